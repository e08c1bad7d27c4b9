import { redirectTo } from '../../lib/protocol/redirect-uri';

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

  it('puts implicit responses in the fragment (RFC 6749 §4.2.2)', () => {
    expect(
      redirectTo('com.example.app:/cb?x=1', { access_token: 't', state: 's' }, 'fragment'),
    ).toBe('com.example.app:/cb?x=1#access_token=t&state=s');
  });
});
