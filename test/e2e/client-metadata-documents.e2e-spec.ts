import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { GrantService } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { DocumentServer, startDocumentServer } from '../support/document-server';
import {
  codeThroughConsent,
  E2eApp,
  locationOf,
  requestIdOf,
  startE2eApp,
} from '../support/http-flows';
import { pkcePair } from '../support/pkce';
import {
  basicChallenge,
  expectErrorPage,
  expectTokenError,
  expectTokenSuccess,
} from '../support/rfc-assertions';

const CALLBACK = 'https://client.example/cb';

function freshPath(): string {
  return `/clients/${randomUUID()}.json`;
}

describe.each(ADAPTERS)('Client ID Metadata Documents over HTTP (%s)', (adapter) => {
  let documents: DocumentServer;

  beforeAll(async () => {
    documents = await startDocumentServer();
  });
  afterAll(() => documents.close());

  describe('turned on, with loopback documents allowed for the test', () => {
    let e2e: E2eApp;

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {
        scopes: ['profile', 'email'],
        accessTokenTtl: 600,
        clientMetadataDocuments: { allowLoopbackHttp: true, failureCacheSeconds: 0 },
      });
    });
    afterAll(() => e2e.close());

    function authorizeQuery(clientId: string, challenge: string): Record<string, string> {
      return {
        client_id: clientId,
        response_type: 'code',
        scope: 'profile',
        state: 'xyz',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      };
    }

    function token(form: Record<string, string>): request.Test {
      return request(e2e.server).post('/oauth/token').type('form').send(form);
    }

    it('metadata advertises client_id_metadata_document_supported (CIMD §6)', async () => {
      const response = await request(e2e.server)
        .get('/.well-known/oauth-authorization-server')
        .expect(200);
      expect(response.body).toMatchObject({ client_id_metadata_document_supported: true });
    });

    it('runs the code flow with PKCE for a client known only by its document URL', async () => {
      const path = freshPath();
      const clientId = documents.serveDocument(path, { redirect_uris: [CALLBACK] });
      const pkce = pkcePair();
      const code = await codeThroughConsent(e2e.server, authorizeQuery(clientId, pkce.challenge));
      const issued = expectTokenSuccess(
        await token({
          grant_type: 'authorization_code',
          code,
          client_id: clientId,
          code_verifier: pkce.verifier,
        }),
        { scope: 'profile', expiresIn: 600 },
      );
      const me = await request(e2e.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${issued.access_token}`)
        .expect(200);
      expect(me.body).toEqual({ user_id: 'alice', client_id: clientId, scope: 'profile' });
      // The authorization request, the consent page and the token request: one fetch.
      expect(documents.hits(path)).toBe(1);
      // A public client names itself at the revocation endpoint too (RFC 7009 §2.1).
      await request(e2e.server)
        .post('/oauth/revoke')
        .type('form')
        .send({ token: issued.access_token, client_id: clientId })
        .expect(200);
      await request(e2e.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${issued.access_token}`)
        .expect(401);
    });

    it("the consent page learns the document's host, to show it (CIMD, OAuth Phishing Attacks)", async () => {
      const clientId = documents.serveDocument(freshPath());
      const authorization = await request(e2e.server)
        .get('/oauth/authorize')
        .query(authorizeQuery(clientId, pkcePair().challenge));
      const pending = await e2e.app
        .get(GrantService)
        .getPendingAuthorization(requestIdOf(locationOf(authorization)));
      expect(pending?.client.attributes.name).toBe('Example Client');
      expect(pending?.client.origin).toBe('metadata-document');
      expect(pending?.clientMetadataHost).toBe(new URL(documents.origin).host);
    });

    it('a document that cannot be read is an error page, never a redirect (CIMD §5.1, RFC 6749 §4.1.2.1)', async () => {
      const path = freshPath();
      documents.serve(path, { status: 500, body: 'oops' });
      const clientId = documents.url(path);
      const response = await request(e2e.server)
        .get('/oauth/authorize')
        .query({ ...authorizeQuery(clientId, pkcePair().challenge), redirect_uri: CALLBACK });
      expectErrorPage(response, {
        status: 400,
        error: 'invalid_client',
        description: `the client metadata document at ${clientId} could not be fetched: it answered HTTP 500, not 200 (CIMD section 5)`,
      });
    });

    it('an invalid document is an error page naming what is wrong', async () => {
      const clientId = documents.serveDocument(freshPath(), {
        token_endpoint_auth_method: 'client_secret_post',
      });
      const response = await request(e2e.server)
        .get('/oauth/authorize')
        .query(authorizeQuery(clientId, pkcePair().challenge));
      expectErrorPage(response, {
        status: 400,
        error: 'invalid_client',
        description: `the client metadata document at ${clientId} is invalid: token_endpoint_auth_method client_secret_post needs a shared secret, which a metadata document cannot establish (CIMD section 4.1): only public clients ('none') may use metadata documents here`,
      });
    });

    it('a redirect_uri the document does not list is an error page (CIMD §4.2)', async () => {
      const clientId = documents.serveDocument(freshPath());
      const response = await request(e2e.server)
        .get('/oauth/authorize')
        .query({
          ...authorizeQuery(clientId, pkcePair().challenge),
          redirect_uri: 'https://client.example/cb2',
        });
      expectErrorPage(response, {
        status: 400,
        error: 'invalid_request',
        description: 'redirect_uri is not registered for this client (RFC 6749 section 3.1.2.4)',
      });
    });

    it("an otherwise invalid request is shown, not redirected: the document's redirect URIs vouch for nothing (RFC 9700 §4.11.2)", async () => {
      const clientId = documents.serveDocument(freshPath(), { scope: 'profile' });
      const response = await request(e2e.server)
        .get('/oauth/authorize')
        .query({ ...authorizeQuery(clientId, pkcePair().challenge), scope: 'email' });
      expectErrorPage(response, {
        status: 400,
        error: 'invalid_scope',
        description: 'this client may not ask for: email (RFC 6749 section 3.3)',
      });
    });

    it('a document that cannot be read is invalid_client at the token endpoint', async () => {
      const path = freshPath();
      documents.serve(path, { status: 404, body: 'gone' });
      const clientId = documents.url(path);
      expectTokenError(
        await token({
          grant_type: 'authorization_code',
          code: 'x'.repeat(43),
          client_id: clientId,
        }),
        {
          status: 401,
          error: 'invalid_client',
          description: `the client metadata document at ${clientId} could not be fetched: it answered HTTP 404, not 200 (CIMD section 5)`,
          challenge: basicChallenge(),
        },
      );
    });

    it('a document client that sends a secret is invalid_client: it has none (CIMD §4.1)', async () => {
      const clientId = documents.serveDocument(freshPath());
      expectTokenError(
        await token({
          grant_type: 'authorization_code',
          code: 'x'.repeat(43),
          client_id: clientId,
          client_secret: 'guess',
        }),
        {
          status: 401,
          error: 'invalid_client',
          description:
            'a client metadata document describes a public client, which sends client_id without a secret (CIMD section 4.1)',
          challenge: basicChallenge(),
        },
      );
    });

    it('a document client may not use the client credentials grant: it is public', async () => {
      const clientId = documents.serveDocument(freshPath());
      const response = await token({ grant_type: 'client_credentials', client_id: clientId });
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toBe('unauthorized_client');
    });
  });

  describe('off by default', () => {
    let e2e: E2eApp;

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, { scopes: ['profile'] });
    });
    afterAll(() => e2e.close());

    it('metadata does not advertise it', async () => {
      const response = await request(e2e.server)
        .get('/.well-known/oauth-authorization-server')
        .expect(200);
      expect(response.body).not.toHaveProperty('client_id_metadata_document_supported');
    });

    it('a URL client_id is an unknown client, and nothing is fetched', async () => {
      const path = freshPath();
      const clientId = documents.serveDocument(path);
      const response = await request(e2e.server).get('/oauth/authorize').query({
        client_id: clientId,
        response_type: 'code',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      expectErrorPage(response, {
        status: 400,
        error: 'invalid_client',
        description: 'client_id names no registered client',
      });
      expectTokenError(
        await request(e2e.server)
          .post('/oauth/token')
          .type('form')
          .send({ grant_type: 'authorization_code', code: 'x'.repeat(43), client_id: clientId }),
        {
          status: 401,
          error: 'invalid_client',
          description: 'client_id names no registered client',
          challenge: basicChallenge(),
        },
      );
      expect(documents.hits(path)).toBe(0);
    });
  });
});
