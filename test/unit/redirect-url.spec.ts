import { parse } from 'node:url';
import { validateRedirectUrl } from '../../lib/clients/redirect-url';
import { OAuthError } from '../../lib';

function refusal(url: unknown, clientType: 'web' | 'user-agent' | 'native' = 'web'): OAuthError {
  try {
    validateRedirectUrl(url, clientType);
  } catch (error) {
    return error as OAuthError;
  }
  throw new Error(`${String(url)} was accepted`);
}

describe('validateRedirectUrl', () => {
  it.each([
    ['https://client.example/cb', 'web'],
    ['https://client.example:8443/cb?x=1', 'user-agent'],
    ['http://localhost:8080/cb', 'web'],
    ['http://127.0.0.1/cb', 'native'],
    ['http://[::1]:9000/cb', 'native'],
    ['com.example.app:/oauth2redirect', 'native'],
  ] as const)('accepts %s for a %s client', (url, clientType) => {
    expect(validateRedirectUrl(url, clientType)).toBe(url);
  });

  it.each([
    ['', /non-empty/],
    ['/relative/cb', /absolute URI/],
    ['client.example/cb', /absolute URI/],
    ['https://client.example/cb#frag', /fragment/],
    ['https://client.example/cb#', /fragment/],
    ['http://client.example/cb', /loopback/],
    ['com.example.app:/cb', /native clients/],
    ['javascript:alert(1)', /forbidden scheme/],
    ['data:text/html,hi', /forbidden scheme/],
    ['https://user:pw@client.example/cb', /credentials/],
    ['https://client.example/c b', /white space/],
    [`https://client.example/${'a'.repeat(3000)}`, /longer than/],
  ])('refuses %j (RFC 6749 §3.1.2)', (url, message) => {
    const error = refusal(url);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.error).toBe('invalid_redirect_uri');
    expect(error.description).toMatch(message);
  });

  it.each([
    // The WHATWG parser reads a backslash as a slash; one that follows RFC 3986 may take what
    // comes before the @ for user info and evil.com for the host.
    ['https://x.example.com\\@evil.com/', 'https://x.example.com/@evil.com/'],
    ['https:x.example.com', 'https://x.example.com/'],
    ['https:/x.example.com/cb', 'https://x.example.com/cb'],
    ['https://X.Example.com/cb', 'https://x.example.com/cb'],
    ['https://client.example', 'https://client.example/'],
    ['https://client.example:443/cb', 'https://client.example/cb'],
    ['https://client.example/a/../cb', 'https://client.example/cb'],
    ['http://127.1/cb', 'http://127.0.0.1/cb'],
  ])(
    'refuses %j, which parsers need not read alike, naming its canonical form',
    (url, canonical) => {
      const error = refusal(url);
      expect(error.error).toBe('invalid_redirect_uri');
      expect(error.description).toContain(canonical);
    },
  );

  it('has the parsers disagree on what it refuses: the legacy Node parser finds no host here', () => {
    expect(parse('https:x.example.com').host).toBeNull();
    expect(new URL('https:x.example.com').host).toBe('x.example.com');
  });

  it.each([
    'https://client.example/cb',
    'https://client.example:8443/cb?x=1',
    'http://[::1]:9000/cb',
    'https://xn--bcher-kva.example/cb',
  ])('accepts only what the WHATWG and the legacy Node parser read alike: %s', (url) => {
    expect(validateRedirectUrl(url, 'web')).toBe(url);
    const legacy = parse(url);
    const whatwg = new URL(url);
    expect(legacy.protocol).toBe(whatwg.protocol);
    expect(legacy.host).toBe(whatwg.host);
    expect(legacy.pathname).toBe(whatwg.pathname);
    expect(legacy.search ?? '').toBe(whatwg.search);
    expect(legacy.auth).toBeNull();
  });

  it('refuses dangerous schemes even for native clients', () => {
    expect(refusal('javascript:alert(1)', 'native').description).toMatch(/forbidden scheme/);
  });

  it('refuses a value that is not a string', () => {
    expect(refusal(42).error).toBe('invalid_redirect_uri');
  });
});
