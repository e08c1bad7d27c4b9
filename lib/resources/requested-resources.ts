import { OAuthError } from '../errors';
import type { RequestParameters } from '../protocol/request-parameters';
import { isResourceIdentifier, ResourceIndicators } from './resource-indicators';

/** How many `resource` parameters one request may send: an audience is a handful at most. */
const MAX_RESOURCES = 10;

/**
 * The `resource` parameters of an authorization or token request (RFC 8707 §2), each once, in
 * the order sent; empty when none were sent. Throws `invalid_target` for one that is not among
 * `resources` (all of them where the server has none), `invalid_request` for a malformed one.
 */
export function requestedResources(
  parameters: RequestParameters,
  resources: ResourceIndicators | null,
): readonly string[] {
  const values = parameters.getAll('resource');
  if (values === undefined)
    throw new OAuthError('invalid_request', 'resource is malformed (RFC 8707 §2)');
  if (values.length === 0) return [];
  if (values.length > MAX_RESOURCES)
    throw new OAuthError('invalid_target', `at most ${MAX_RESOURCES} resource parameters`);
  const unique = [...new Set(values)];
  const refused = unique.find((value) => resources === null || !resources.has(value));
  if (refused !== undefined) {
    throw new OAuthError(
      'invalid_target',
      isResourceIdentifier(refused)
        ? `resource ${refused} is not served by this authorization server (RFC 8707 §2)`
        : 'resource must be an absolute URI without a fragment (RFC 8707 §2)',
    );
  }
  return Object.freeze(unique);
}

/** The audience of a token: the resources named, or the `defaultResources` when none are. */
export function audienceOf(
  named: readonly string[],
  resources: ResourceIndicators | null,
): readonly string[] {
  return named.length > 0 ? named : (resources?.defaults ?? []);
}
