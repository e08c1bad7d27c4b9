import { OAuthError, OAuthErrorCode } from '../../lib/errors/oauth-error';

describe('OAuthError statuses', () => {
  it.each<[OAuthErrorCode, number]>([
    ['invalid_client', 401], // RFC 6749 §5.2
    ['invalid_token', 401], // RFC 6750 §3.1
    ['insufficient_scope', 403], // RFC 6750 §3.1
    ['server_error', 500],
    ['temporarily_unavailable', 503],
    ['invalid_request', 400],
    ['invalid_grant', 400],
    ['unauthorized_client', 400],
    ['unsupported_grant_type', 400],
    ['invalid_scope', 400],
    ['access_denied', 400],
    ['unsupported_response_type', 400],
    ['invalid_redirect_uri', 400],
    ['invalid_client_metadata', 400],
  ])('answers %s with %i by default', (code, status) => {
    expect(new OAuthError(code, 'x').status).toBe(status);
  });

  it('answers with the status given, whatever the code', () => {
    expect(new OAuthError('invalid_client', 'x', { status: 400 }).status).toBe(400);
    expect(new OAuthError('invalid_request', 'x', { status: 413 }).status).toBe(413);
  });
});

describe('OAuthError descriptions (RFC 6749 §5.2)', () => {
  it('keeps a description already within %x20-21 / %x23-5B / %x5D-7E', () => {
    const text = "client_id names no registered client (it's 'abc' ~!#$%&()*+,-./:;<=>?@[]^_`{|})";
    expect(new OAuthError('invalid_client', text).description).toBe(text);
  });

  it('spells out §, and swaps " for \' and \\ for /', () => {
    expect(new OAuthError('invalid_request', 'see RFC 6749 §3.1, "a\\b"').description).toBe(
      "see RFC 6749 section 3.1, 'a/b'",
    );
  });

  it('replaces every other character, control characters and non-ASCII, with ?', () => {
    expect(new OAuthError('invalid_request', 'naïve\tline\nend\x7f😀').description).toBe(
      'na?ve?line?end???',
    );
  });

  it('puts the sanitized description in the message, after the code', () => {
    const error = new OAuthError('invalid_scope', '§3.3');
    expect(error.message).toBe('invalid_scope: section 3.3');
    expect(error.name).toBe('OAuthError');
    expect(error).toBeInstanceOf(Error);
  });

  it('serializes as error and error_description only (RFC 6749 §5.2)', () => {
    const error = new OAuthError('invalid_grant', 'code "x" expired', {
      headers: { 'X-A': 'b' },
    });
    expect(error.toJSON()).toEqual({
      error: 'invalid_grant',
      error_description: "code 'x' expired",
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
  });
});

describe('OAuthError.toResponse', () => {
  it('is JSON with the error status, never cached (RFC 6749 §5.1, §5.2)', () => {
    const response = new OAuthError('invalid_request', 'grant_type is missing').toResponse();
    expect(response.status).toBe(400);
    expect(response.headers).toEqual({
      'Content-Type': 'application/json;charset=UTF-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'grant_type is missing',
    });
  });

  it('carries the headers the error asks for, such as WWW-Authenticate (RFC 6749 §5.2)', () => {
    const challenge = 'Basic realm="oauthist"';
    const response = new OAuthError('invalid_client', 'bad secret', {
      headers: { 'WWW-Authenticate': challenge },
    }).toResponse();
    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe(challenge);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.headers['Content-Type']).toBe('application/json;charset=UTF-8');
  });

  it('gives access to status, headers and body through the getters too', () => {
    const response = new OAuthError('server_error', 'x').toResponse();
    expect(response.getCode()).toBe(500);
    expect(response.getHeaders()).toBe(response.headers);
    expect(response.getBody()).toBe(response.body);
  });
});
