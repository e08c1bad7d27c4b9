import { looksLikeClientIdUrl, parseClientIdUrl } from '../../lib/metadata-documents/client-id-url';
import { MetadataDocumentError } from '../../lib/metadata-documents/metadata-document-error';

function refusal(id: string, allowLoopbackHttp = false): MetadataDocumentError {
  try {
    parseClientIdUrl(id, allowLoopbackHttp);
  } catch (error) {
    return error as MetadataDocumentError;
  }
  throw new Error(`${id} was accepted`);
}

describe('Client Identifier URLs (CIMD §3)', () => {
  it.each([
    'https://client.example/oauth/client.json',
    'https://client.example:8443/client',
    'https://client.example/client?version=2',
    'https://client.example/',
    'https://xn--bcher-kva.example/client',
  ])('accepts %s', (id) => {
    expect(parseClientIdUrl(id, false).href).toBe(id);
  });

  it.each([
    ['https://client.example', /must contain a path/],
    ['https://client.example/a#frag', /must not contain a fragment/],
    ['https://user:pass@client.example/client', /user name or password/],
    ['https://user@client.example/client', /user name or password/],
    ['https://client.example/a/../client', /\. or \.\. segments/],
    ['https://client.example/./client', /\. or \.\. segments/],
    ['https://client.example/a/%2e%2E/client', /\. or \.\. segments/],
    ['https://client.example/a/%2e/client', /\. or \.\. segments/],
    ['https://client.example/a/..', /\. or \.\. segments/],
    ['http://client.example/client', /must use https/],
    ['ftp://client.example/client', /must use https/],
    [
      'https://Client.Example/client',
      /not written as it is fetched: use https:\/\/client\.example\/client/,
    ],
    ['https://client.example:443/client', /not written as it is fetched/],
    ['https://client.example/a b', /white space/],
    ['https://client.example/caf\u00e9', /non-ASCII/],
    [`https://client.example/${'a'.repeat(2100)}`, /longer than 2048/],
    ['https://[::1/client', /not a URL/],
  ])('refuses %s', (id, reason) => {
    const error = refusal(id);
    expect(error).toBeInstanceOf(MetadataDocumentError);
    expect(error.stage).toBe('url');
    expect(error.message).toMatch(reason);
  });

  describe('loopback http, for local testing only', () => {
    it.each([
      'http://127.0.0.1:4000/client.json',
      'http://localhost:4000/client.json',
      'http://[::1]:4000/client.json',
      'http://127.1.2.3/client.json',
    ])('accepts %s when allowed', (id) => {
      expect(parseClientIdUrl(id, true).href).toBe(id);
      expect(refusal(id, false).message).toMatch(/must use https/);
    });

    it('still refuses a non-loopback http host', () => {
      expect(refusal('http://client.example/client', true).message).toMatch(/must use https/);
      expect(refusal('http://10.0.0.1/client', true).message).toMatch(/must use https/);
    });
  });

  it('tells a URL client_id from an id oauthist generated', () => {
    expect(looksLikeClientIdUrl('https://client.example/c', false)).toBe(true);
    expect(looksLikeClientIdUrl('HTTPS://client.example/c', false)).toBe(true);
    expect(looksLikeClientIdUrl('http://127.0.0.1/c', false)).toBe(false);
    expect(looksLikeClientIdUrl('http://127.0.0.1/c', true)).toBe(true);
    expect(looksLikeClientIdUrl('f3Kq0b9x2mZ1-8YvTq0aBw', true)).toBe(false);
  });
});
