import { OAuthError } from '../errors';
import { MetadataDocumentError } from '../metadata-documents/metadata-document-error';
import type { ClientRecord } from '../redis/client-store';
import { attributeValue } from './client-attributes';
import { clientTypeFromMetadata, isWebUrl } from './client-metadata';
import { clientScopes } from './client-scopes';
import { validateRedirectUrl } from './redirect-url';

/**
 * The document's display fields and the attribute each is kept as: `client_name` is `name`,
 * as for every other client, so that a consent page shows one attribute whatever the origin.
 */
const DISPLAY_FIELDS = [
  ['client_name', 'name'],
  ['client_uri', 'client_uri'],
  ['logo_uri', 'logo_uri'],
] as const;

/** Methods that rest on a secret shared with the server, which a public document cannot hold. */
const SHARED_SECRET_METHODS = new Set([
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
]);

function refuse(problem: string): never {
  throw new MetadataDocumentError('content', problem);
}

/** Runs one of the registration checks, which throw OAuthError, in a document's words. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof OAuthError) refuse(error.description);
    throw error;
  }
}

function authMethod(document: Readonly<Record<string, unknown>>): 'none' {
  // RFC 7591 §2 defaults to client_secret_basic, which §4.1 of the draft rules out for every
  // document: the only default a document can mean is none.
  const given = document.token_endpoint_auth_method;
  const method = given === undefined ? 'none' : given;
  if (method === 'none') return method;
  if (typeof method === 'string' && SHARED_SECRET_METHODS.has(method)) {
    refuse(
      `token_endpoint_auth_method ${method} needs a shared secret, which a metadata document cannot establish (CIMD §4.1): only public clients ("none") may use metadata documents here`,
    );
  }
  refuse(
    `token_endpoint_auth_method ${JSON.stringify(method)} is not supported: only public clients ("none") may use metadata documents here`,
  );
}

function displayUrl(field: string, value: string): void {
  // A consent page may link it: no javascript: or data: (draft, SSRF considerations).
  if (!isWebUrl(value)) refuse(`${field} must be an http or https URL`);
}

/**
 * The client that the Client ID Metadata Document fetched from `url` describes, checked as a
 * registration is: its `client_id` is `url` exactly (CIMD §4), it holds no secret (§4.1), its
 * `redirect_uris` pass the registration rules and are later matched exactly (§4.2), and its
 * `scope`, if any, names scopes the server issues. The type comes from the document's metadata
 * as for dynamic registration. Throws `MetadataDocumentError`.
 */
export function clientFromMetadataDocument(
  url: string,
  document: Readonly<Record<string, unknown>>,
  configuredScopes: ReadonlySet<string> | null,
  fetchedAt: number,
): ClientRecord {
  if (document.client_id !== url) {
    refuse(
      `its client_id ${typeof document.client_id === 'string' ? JSON.stringify(document.client_id.slice(0, 256)) : 'is missing or not a string and'} does not match the URL it was fetched from (CIMD §4)`,
    );
  }
  for (const field of ['client_secret', 'client_secret_expires_at']) {
    if (field in document) refuse(`it must not contain ${field} (CIMD §4.1)`);
  }
  const method = authMethod(document);
  const clientType = checked(() =>
    clientTypeFromMetadata({
      token_endpoint_auth_method: method,
      application_type: document.application_type,
    }),
  );
  const uris = document.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0) {
    refuse('redirect_uris must be a non-empty array (CIMD §4.2)');
  }
  const redirectUrls = [
    ...new Set(uris.map((uri) => checked(() => validateRedirectUrl(uri, clientType)))),
  ];
  let scopes: string[] | null = null;
  if (document.scope !== undefined) {
    if (typeof document.scope !== 'string') refuse('scope must be a string (RFC 7591 §2)');
    const names = document.scope.split(' ').filter((name) => name !== '');
    scopes = checked(() => clientScopes(names, configuredScopes)) ?? null;
  }
  const attributes: Record<string, string> = {};
  for (const [field, attribute] of DISPLAY_FIELDS) {
    const value = document[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') refuse(`${field} must be a string`);
    if (field !== 'client_name') displayUrl(field, value);
    attributes[attribute] = checked(() => attributeValue(field, value));
  }
  return {
    id: url,
    clientType,
    redirectUrls,
    attributes,
    createdAt: fetchedAt,
    secretHash: null,
    scopes,
    resourceServer: false,
    origin: 'metadata-document',
  };
}
