/**
 * Whose attempts are counted: a client id (its authentications with a secret, RFC 6749
 * §2.3.1) or a username (the password grant, RFC 6749 §4.3.2).
 */
export interface AttemptSubject {
  readonly kind: 'client' | 'username';
  readonly id: string;
}

/** The subject of a client's authentications; an unknown id is counted like a known one. */
export function clientSubject(clientId: string): AttemptSubject {
  // A malformed id names no client, but its guesses must still be counted somewhere.
  return { kind: 'client', id: clientId.toWellFormed() };
}

/**
 * The subject of a username's sign-ins. Names that most user stores treat as one (`Alice`,
 * `alice`, a composed or decomposed `é`) share a counter, so that spelling a name another way
 * does not buy an attacker a fresh set of guesses.
 */
export function usernameSubject(username: string): AttemptSubject {
  return { kind: 'username', id: username.toWellFormed().normalize('NFKC').toLowerCase() };
}
