import { OAuthError } from '../errors';
import type { RequestParameters } from '../protocol/request-parameters';
import { ResourceIndicators } from './resource-indicators';

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
  return Object.freeze(
    ResourceIndicators.checked(values, (value) => resources !== null && resources.has(value)),
  );
}
