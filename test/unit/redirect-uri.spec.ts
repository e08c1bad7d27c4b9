import { errorRedirectTo, ErrorRedirect, redirectTo } from '../../lib/protocol/redirect-uri';

describe('redirectTo', () => {
  it('keeps the registered query exactly and appends the response (RFC 6749 §3.1.2)', () => {
    expect(
      redirectTo('https://c.example/cb?a=b%20c&flag', { code: 'x y', state: 's' }, 'query'),
    ).toBe('https://c.example/cb?a=b%20c&flag&code=x+y&state=s');
  });

  it('starts a query when the URI has none, and leaves out absent values', () => {
    expect(redirectTo('https://c.example/cb', { code: 'c', state: undefined }, 'query')).toBe(
      'https://c.example/cb?code=c',
    );
  });

  it('adds no separator after a query that ends in ? or & (RFC 6749 §3.1.2)', () => {
    expect(redirectTo('https://c.example/cb?', { code: 'c' }, 'query')).toBe(
      'https://c.example/cb?code=c',
    );
    expect(redirectTo('https://c.example/cb?a=1&', { code: 'c' }, 'query')).toBe(
      'https://c.example/cb?a=1&code=c',
    );
  });

  it('keeps the registered text as it is, not as a URL parser would rewrite it', () => {
    expect(redirectTo('HTTPS://C.example:443/a/../cb?x=%7e', { code: 'c' }, 'query')).toBe(
      'HTTPS://C.example:443/a/../cb?x=%7e&code=c',
    );
  });

  it('form-encodes the values it adds (application/x-www-form-urlencoded, RFC 6749 §4.1.2)', () => {
    expect(
      redirectTo('https://c.example/cb', { state: 'a b&c=d+e/f?é#', code: '~*' }, 'query'),
    ).toBe('https://c.example/cb?state=a+b%26c%3Dd%2Be%2Ff%3F%C3%A9%23&code=%7E*');
  });

  it('writes numbers as their decimal text, and adds a response with nothing in it as nothing', () => {
    expect(
      redirectTo('https://c.example/cb', { access_token: 't', expires_in: 3600 }, 'fragment'),
    ).toBe('https://c.example/cb#access_token=t&expires_in=3600');
    expect(redirectTo('https://c.example/cb', { state: undefined }, 'query')).toBe(
      'https://c.example/cb?',
    );
  });

  it('puts implicit responses in the fragment (RFC 6749 §4.2.2)', () => {
    expect(
      redirectTo('com.example.app:/cb?x=1', { access_token: 't', state: 's' }, 'fragment'),
    ).toBe('com.example.app:/cb?x=1#access_token=t&state=s');
  });
});

describe('errorRedirectTo', () => {
  const target: ErrorRedirect = {
    redirectUri: 'https://c.example/cb?app=1',
    mode: 'query',
    state: 'xyz',
    issuer: null,
  };

  it('carries error, error_description and state (RFC 6749 §4.1.2.1)', () => {
    expect(errorRedirectTo(target, 'access_denied', 'the user said no')).toBe(
      'https://c.example/cb?app=1&error=access_denied&error_description=the+user+said+no&state=xyz',
    );
  });

  it('sanitizes the description to the characters of RFC 6749 §5.2 before encoding it', () => {
    const url = new URL(errorRedirectTo(target, 'invalid_request', 'see §3.1: "a\\b" é'));
    expect(url.searchParams.get('error_description')).toBe("see section 3.1: 'a/b' ?");
  });

  it('leaves state out when the request had none', () => {
    expect(errorRedirectTo({ ...target, state: undefined }, 'invalid_scope', 'x')).toBe(
      'https://c.example/cb?app=1&error=invalid_scope&error_description=x',
    );
  });

  it('adds iss only when an issuer is configured (RFC 9207 §2)', () => {
    const url = errorRedirectTo({ ...target, issuer: 'https://as.example' }, 'server_error', 'x');
    expect(url).toBe(
      'https://c.example/cb?app=1&error=server_error&error_description=x&state=xyz' +
        '&iss=https%3A%2F%2Fas.example',
    );
    expect(errorRedirectTo(target, 'server_error', 'x')).not.toContain('iss=');
  });

  it('puts the error of an implicit request in the fragment (RFC 6749 §4.2.2.1)', () => {
    expect(
      errorRedirectTo(
        { ...target, mode: 'fragment', issuer: 'https://as.example' },
        'unsupported_response_type',
        'no',
      ),
    ).toBe(
      'https://c.example/cb?app=1#error=unsupported_response_type&error_description=no' +
        '&state=xyz&iss=https%3A%2F%2Fas.example',
    );
  });
});
