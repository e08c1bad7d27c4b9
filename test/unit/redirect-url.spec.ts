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

  it('refuses dangerous schemes even for native clients', () => {
    expect(refusal('javascript:alert(1)', 'native').description).toMatch(/forbidden scheme/);
  });

  it('refuses a value that is not a string', () => {
    expect(refusal(42).error).toBe('invalid_redirect_uri');
  });
});
