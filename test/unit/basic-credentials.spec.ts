import { isBasicAuthorization, parseBasicCredentials } from '../../lib/protocol/basic-credentials';

function basic(userPass: string, scheme = 'Basic'): string {
  return `${scheme} ${Buffer.from(userPass, 'utf8').toString('base64')}`;
}

describe('isBasicAuthorization', () => {
  it('recognizes the Basic scheme whatever its case (RFC 7235 §2.1)', () => {
    for (const scheme of ['Basic', 'basic', 'BASIC', 'bAsIc']) {
      expect(isBasicAuthorization(`${scheme} YTpi`)).toBe(true);
    }
  });

  it('refuses another scheme, no header, and the scheme name without a space', () => {
    expect(isBasicAuthorization('Bearer YTpi')).toBe(false);
    expect(isBasicAuthorization(undefined)).toBe(false);
    expect(isBasicAuthorization('')).toBe(false);
    expect(isBasicAuthorization('Basic')).toBe(false);
    expect(isBasicAuthorization('BasicYTpi')).toBe(false);
    expect(isBasicAuthorization(' Basic YTpi')).toBe(false);
  });
});

describe('parseBasicCredentials', () => {
  it('splits id and secret at the colon', () => {
    expect(parseBasicCredentials(basic('client:secret'))).toEqual({
      id: 'client',
      secret: 'secret',
    });
  });

  it('reads the scheme whatever its case', () => {
    expect(parseBasicCredentials(basic('a:b', 'bASIC'))).toEqual({ id: 'a', secret: 'b' });
  });

  it('keeps every colon after the first in the secret', () => {
    expect(parseBasicCredentials(basic('client:se:cr:et:'))).toEqual({
      id: 'client',
      secret: 'se:cr:et:',
    });
  });

  it('form-url-decodes id and secret (RFC 6749 §2.3.1)', () => {
    // What a client that follows §2.3.1 sends for id "my client" and secret "a+b:c%d é".
    expect(parseBasicCredentials(basic('my+client:a%2Bb%3Ac%25d+%C3%A9'))).toEqual({
      id: 'my client',
      secret: 'a+b:c%d é',
    });
  });

  it('decodes an encoded colon in the id without splitting there (RFC 6749 §2.3.1)', () => {
    expect(parseBasicCredentials(basic('urn%3Aclient:s'))).toEqual({
      id: 'urn:client',
      secret: 's',
    });
  });

  it('allows an empty id or secret, for the caller to refuse', () => {
    expect(parseBasicCredentials(basic(':secret'))).toEqual({ id: '', secret: 'secret' });
    expect(parseBasicCredentials(basic('client:'))).toEqual({ id: 'client', secret: '' });
  });

  it('tolerates spaces around the credentials', () => {
    expect(parseBasicCredentials(`Basic   ${Buffer.from('a:b').toString('base64')}  `)).toEqual({
      id: 'a',
      secret: 'b',
    });
  });

  it('refuses credentials without a colon', () => {
    expect(parseBasicCredentials(basic('client-secret'))).toBeNull();
    expect(parseBasicCredentials('Basic ')).toBeNull();
  });

  it('refuses what is not base64', () => {
    expect(parseBasicCredentials('Basic client:secret')).toBeNull();
    expect(parseBasicCredentials('Basic YTpi!')).toBeNull();
    expect(parseBasicCredentials('Basic YTpi===')).toBeNull();
    // base64url's alphabet is not base64's.
    expect(parseBasicCredentials('Basic YTpi_-')).toBeNull();
  });

  it('refuses a broken percent-encoding rather than guessing', () => {
    expect(parseBasicCredentials(basic('client:%'))).toBeNull();
    expect(parseBasicCredentials(basic('client:%zz'))).toBeNull();
    expect(parseBasicCredentials(basic('%E9:secret'))).toBeNull();
  });
});
