/**
 * Thrown at start-up when a module option is missing or malformed; the message names the option.
 * @publicApi
 */
export class OAuthistConfigurationError extends Error {
  constructor(
    /** The name of the offending option, e.g. `authorizationCodeTtl`. */
    readonly option: string,
    problem: string,
  ) {
    super(`oauthist: invalid option "${option}": ${problem}`);
    this.name = 'OAuthistConfigurationError';
  }
}
