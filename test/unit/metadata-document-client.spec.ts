import { clientFromMetadataDocument } from '../../lib/clients/metadata-document-client';
import { MetadataDocumentError } from '../../lib/metadata-documents/metadata-document-error';

const URL_ID = 'https://client.example/oauth/client.json';
const CALLBACK = 'https://client.example/cb';
const NOW = 1_700_000_000_000;

function documentWith(fields: Record<string, unknown>): Record<string, unknown> {
  return { client_id: URL_ID, redirect_uris: [CALLBACK], ...fields };
}

function refusal(
  document: Record<string, unknown>,
  scopes: ReadonlySet<string> | null = null,
): MetadataDocumentError {
  try {
    clientFromMetadataDocument(URL_ID, document, scopes, NOW);
  } catch (error) {
    return error as MetadataDocumentError;
  }
  throw new Error('the document was accepted');
}

describe('reading a Client ID Metadata Document as a client', () => {
  it('makes a public user-agent client of a minimal document: none is the only method a document can mean', () => {
    expect(clientFromMetadataDocument(URL_ID, documentWith({}), null, NOW)).toEqual({
      id: URL_ID,
      clientType: 'user-agent',
      redirectUrls: [CALLBACK],
      attributes: {},
      createdAt: NOW,
      secretHash: null,
      scopes: null,
      resourceServer: false,
      origin: 'metadata-document',
    });
  });

  it('keeps client_name as the name attribute, client_uri and logo_uri beside it, and scope as the client scopes', () => {
    const record = clientFromMetadataDocument(
      URL_ID,
      documentWith({
        client_name: 'Example Client',
        client_uri: 'https://client.example/',
        logo_uri: 'https://client.example/logo.png',
        scope: 'profile  email',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        redirect_uris: [CALLBACK, CALLBACK, 'http://127.0.0.1:7000/cb'],
      }),
      new Set(['profile', 'email', 'admin']),
      NOW,
    );
    expect(record.attributes).toEqual({
      name: 'Example Client',
      client_uri: 'https://client.example/',
      logo_uri: 'https://client.example/logo.png',
    });
    expect(record.scopes).toEqual(['profile', 'email']);
    expect(record.redirectUrls).toEqual([CALLBACK, 'http://127.0.0.1:7000/cb']);
  });

  it('reads application_type native as a native client, which may use a custom scheme', () => {
    const record = clientFromMetadataDocument(
      URL_ID,
      documentWith({ application_type: 'native', redirect_uris: ['com.example.app:/cb'] }),
      null,
      NOW,
    );
    expect(record.clientType).toBe('native');
  });

  it.each([
    [
      { client_id: 'https://other.example/client.json' },
      /client_id "https:\/\/other\.example\/client\.json" does not match the URL it was fetched from \(CIMD §4\)/,
    ],
    [{ client_id: `${URL_ID}?` }, /does not match/],
    [{ client_id: undefined }, /client_id is missing or not a string and does not match/],
    [{ client_id: 42 }, /does not match/],
    [{ client_secret: 's3cret' }, /must not contain client_secret \(CIMD §4\.1\)/],
    [{ client_secret_expires_at: 0 }, /must not contain client_secret_expires_at/],
    [
      { token_endpoint_auth_method: 'client_secret_basic' },
      /client_secret_basic needs a shared secret.*only public clients \("none"\) may use metadata documents/,
    ],
    [
      { token_endpoint_auth_method: 'client_secret_post' },
      /client_secret_post needs a shared secret/,
    ],
    [
      { token_endpoint_auth_method: 'client_secret_jwt' },
      /client_secret_jwt needs a shared secret/,
    ],
    [
      { token_endpoint_auth_method: 'private_key_jwt' },
      /"private_key_jwt" is not supported: only public clients/,
    ],
    [{ token_endpoint_auth_method: null }, /is not supported/],
    [{ application_type: 'desktop' }, /application_type must be/],
    [{ redirect_uris: undefined }, /redirect_uris must be a non-empty array \(CIMD §4\.2\)/],
    [{ redirect_uris: [] }, /redirect_uris must be a non-empty array/],
    [{ redirect_uris: CALLBACK }, /redirect_uris must be a non-empty array/],
    [{ redirect_uris: ['http://client.example/cb'] }, /plain http/],
    [{ redirect_uris: ['https://client.example/cb#x'] }, /fragment/],
    [{ redirect_uris: ['javascript:alert(1)'] }, /forbidden scheme/],
    [{ redirect_uris: ['com.example.app:/cb'] }, /only native clients/],
    [{ redirect_uris: [42] }, /non-empty string/],
    [{ scope: ['profile'] }, /scope must be a string/],
    [{ scope: 'root' }, /not a scope this server issues/],
    [{ client_name: 42 }, /client_name must be a string/],
    [{ client_name: 'x'.repeat(1025) }, /at most 1024 characters/],
    [{ logo_uri: 'javascript:alert(1)' }, /logo_uri must be an http or https URL/],
    [{ client_uri: 'not a url' }, /client_uri must be an http or https URL/],
  ])('refuses %j', (fields, reason) => {
    const error = refusal(documentWith(fields), new Set(['profile', 'email']));
    expect(error).toBeInstanceOf(MetadataDocumentError);
    expect(error.stage).toBe('content');
    expect(error.message).toMatch(reason);
  });
});
