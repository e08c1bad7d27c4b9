import { UNKNOWN_SOURCE } from './attempt-source';

/**
 * Whose attempts are counted: a client id (its authentications with a secret, RFC 6749
 * §2.3.1) or a username (the password grant, RFC 6749 §4.3.2, and an application's own
 * sign-in), from one source (see `attemptSource`). Identifiers are public, so failures are
 * counted per identifier and source: an attacker elsewhere cannot lock the rightful party out.
 */
export interface AttemptSubject {
  readonly kind: 'client' | 'username' | 'pending' | 'registration';
  readonly id: string;
  /** `attemptSource()` of the request's address. */
  readonly source: string;
}

/** The subject of a client's authentications; an unknown id is counted like a known one. */
export function clientSubject(clientId: string, source = UNKNOWN_SOURCE): AttemptSubject {
  // A malformed id names no client, but its guesses must still be counted somewhere.
  return { kind: 'client', id: clientId.toWellFormed(), source };
}

/**
 * The subject of a username's sign-ins. Names that most user stores treat as one (`Alice`,
 * `alice`, a composed or decomposed `é`, the full-width `ｂｏｂ`) share a counter, so that
 * spelling a name another way does not buy an attacker a fresh set of guesses.
 */
export function usernameSubject(username: string, source = UNKNOWN_SOURCE): AttemptSubject {
  return {
    kind: 'username',
    id: username.toWellFormed().normalize('NFKC').toLowerCase(),
    source,
  };
}

/**
 * The subject of the authorization requests one source starts: anyone can start one without
 * signing in, and each waits in Redis, so what one source can make Redis hold is bounded.
 */
export function pendingSubject(source: string): AttemptSubject {
  return { kind: 'pending', id: source, source };
}

/**
 * The subject of the client registrations one source makes (RFC 7591): each registered client
 * stays in Redis until it is purged, so what one source can make Redis hold is bounded.
 */
export function registrationSubject(source: string): AttemptSubject {
  return { kind: 'registration', id: source, source };
}
