import { RequestParameters } from '../../lib/protocol/request-parameters';

describe('RequestParameters.fromRequest', () => {
  it('reads the query of a GET and of a HEAD, never their body', () => {
    for (const method of ['GET', 'get', 'HEAD']) {
      const parameters = RequestParameters.fromRequest({
        method,
        query: { client_id: 'from-query' },
        body: { client_id: 'from-body' },
      });
      expect(parameters.get('client_id')).toBe('from-query');
    }
  });

  it('reads the form body of a POST, never its query', () => {
    const parameters = RequestParameters.fromRequest({
      method: 'POST',
      query: { grant_type: 'password' },
      body: { grant_type: 'client_credentials' },
    });
    expect(parameters.get('grant_type')).toBe('client_credentials');
  });

  it('takes a request without a method for a GET', () => {
    const parameters = RequestParameters.fromRequest({
      query: { state: 'q' },
      body: { state: 'b' },
    });
    expect(parameters.get('state')).toBe('q');
  });

  it('records that the parameters came from HTTP, and that given ones did not', () => {
    expect(RequestParameters.fromRequest({ method: 'GET', query: {} }).fromHttp).toBe(true);
    expect(RequestParameters.of({}).fromHttp).toBe(false);
  });

  it('reads nothing from a POST whose body was not parsed', () => {
    const parameters = RequestParameters.fromRequest({ method: 'POST', query: { a: 'b' } });
    expect(parameters.get('a')).toBeUndefined();
    expect(parameters.firstFaulty()).toBeUndefined();
  });

  it('keeps the Authorization header', () => {
    const parameters = RequestParameters.fromRequest({
      method: 'POST',
      body: {},
      headers: { authorization: 'Basic YTpi' },
    });
    expect(parameters.authorization).toBe('Basic YTpi');
  });

  it('keeps the first Authorization header when a framework gives an array', () => {
    const parameters = RequestParameters.fromRequest({
      method: 'POST',
      body: {},
      headers: { authorization: ['Bearer first', 'Bearer second'] },
    });
    expect(parameters.authorization).toBe('Bearer first');
  });

  it('has no Authorization header when none was sent', () => {
    expect(
      RequestParameters.fromRequest({ method: 'GET', query: {} }).authorization,
    ).toBeUndefined();
    expect(
      RequestParameters.fromRequest({ method: 'GET', query: {}, headers: {} }).authorization,
    ).toBeUndefined();
  });
});

describe('RequestParameters.of', () => {
  it('gives each parameter sent once', () => {
    const parameters = RequestParameters.of({ client_id: 'c1', scope: 'a b' });
    expect(parameters.get('client_id')).toBe('c1');
    expect(parameters.get('scope')).toBe('a b');
    expect(parameters.get('state')).toBeUndefined();
    expect(parameters.repeated).toEqual([]);
    expect(parameters.malformed).toEqual([]);
  });

  it('keeps an Authorization header given beside the parameters', () => {
    expect(RequestParameters.of({}, 'Basic YTpi').authorization).toBe('Basic YTpi');
    expect(RequestParameters.of({}).authorization).toBeUndefined();
  });

  it('treats a parameter sent without a value as omitted (RFC 6749 §3.1)', () => {
    const parameters = RequestParameters.of({ state: '', scope: 'x' });
    expect(parameters.get('state')).toBeUndefined();
    expect(parameters.firstFaulty()).toBeUndefined();
  });

  it('leaves out a parameter given as undefined, without calling it malformed', () => {
    const parameters = RequestParameters.of({ state: undefined });
    expect(parameters.get('state')).toBeUndefined();
    expect(parameters.malformed).toEqual([]);
  });
});

describe('repeated and malformed parameters', () => {
  it('records a parameter sent more than once and gives no value for it (RFC 6749 §3.1)', () => {
    const parameters = RequestParameters.fromRequest({
      method: 'GET',
      query: { client_id: ['c1', 'c2'], state: 's' },
    });
    expect(parameters.repeated).toEqual(['client_id']);
    expect(parameters.get('client_id')).toBeUndefined();
    expect(parameters.get('state')).toBe('s');
  });

  it('counts a repeated empty value as a repetition, not as omitted', () => {
    const parameters = RequestParameters.fromRequest({ method: 'GET', query: { scope: ['', ''] } });
    expect(parameters.repeated).toEqual(['scope']);
  });

  it('takes a one-element array as the parameter sent once', () => {
    const parameters = RequestParameters.fromRequest({ method: 'GET', query: { scope: ['a'] } });
    expect(parameters.get('scope')).toBe('a');
    expect(parameters.repeated).toEqual([]);
  });

  it('records a value that is not a string as malformed', () => {
    const parameters = RequestParameters.fromRequest({
      method: 'POST',
      // What the qs parser makes of `client_id[x]=y`, and what JSON can hold.
      body: { client_id: { x: 'y' }, expires: 3, flag: true, nothing: null, grant_type: 'x' },
    });
    expect(parameters.malformed).toEqual(['client_id', 'expires', 'flag', 'nothing']);
    expect(parameters.get('client_id')).toBeUndefined();
    expect(parameters.get('expires')).toBeUndefined();
    expect(parameters.get('grant_type')).toBe('x');
  });

  it('records a one-element array holding an object as malformed', () => {
    const parameters = RequestParameters.fromRequest({ method: 'GET', query: { a: [{ b: 'c' }] } });
    expect(parameters.malformed).toEqual(['a']);
    expect(parameters.repeated).toEqual([]);
  });

  it('ignores an empty array, as if the parameter were not sent', () => {
    const parameters = RequestParameters.fromRequest({ method: 'GET', query: { a: [] } });
    expect(parameters.get('a')).toBeUndefined();
    expect(parameters.firstFaulty()).toBeUndefined();
  });

  it('reads nothing from a source that is not an object', () => {
    for (const body of ['client_id=x', 42, null]) {
      const parameters = RequestParameters.fromRequest({ method: 'POST', body });
      expect(parameters.get('client_id')).toBeUndefined();
      expect(parameters.firstFaulty()).toBeUndefined();
    }
  });
});

describe('firstFaulty', () => {
  const parameters = RequestParameters.fromRequest({
    method: 'GET',
    query: { scope: { a: 'b' }, state: ['1', '2'], redirect_uri: ['x', 'y'], client_id: 'c' },
  });

  it('names a repeated parameter before a malformed one', () => {
    expect(parameters.firstFaulty()).toBe('state');
  });

  it('names only a parameter among those asked about', () => {
    expect(parameters.firstFaulty(['client_id', 'redirect_uri'])).toBe('redirect_uri');
    expect(parameters.firstFaulty(['client_id', 'scope'])).toBe('scope');
    expect(parameters.firstFaulty(['client_id'])).toBeUndefined();
    expect(parameters.firstFaulty([])).toBeUndefined();
  });

  it('names nothing when every parameter was sent once as a string', () => {
    expect(RequestParameters.of({ a: 'b', c: 'd' }).firstFaulty()).toBeUndefined();
  });
});

describe('withDefaults', () => {
  it('fills in absent parameters, leaving the original as it was', () => {
    const original = RequestParameters.of({ client_id: 'c' }, 'Basic YTpi');
    const filled = original.withDefaults({ response_type: 'code', scope: undefined });
    expect(filled.get('response_type')).toBe('code');
    expect(filled.get('client_id')).toBe('c');
    expect(filled.get('scope')).toBeUndefined();
    expect(filled.authorization).toBe('Basic YTpi');
    expect(filled.fromHttp).toBe(false);
    expect(original.get('response_type')).toBeUndefined();
  });

  it('never overrides a parameter that was sent', () => {
    const filled = RequestParameters.of({ scope: 'asked' }).withDefaults({ scope: 'default' });
    expect(filled.get('scope')).toBe('asked');
  });

  it('fills in a parameter sent empty, which counts as omitted (RFC 6749 §3.1)', () => {
    const filled = RequestParameters.of({ scope: '' }).withDefaults({ scope: 'default' });
    expect(filled.get('scope')).toBe('default');
  });

  it('never gives a repeated parameter a value, so that it stays an error', () => {
    const parameters = RequestParameters.fromRequest({
      method: 'GET',
      query: { scope: ['a', 'b'] },
    });
    const filled = parameters.withDefaults({ scope: 'default' });
    expect(filled.get('scope')).toBeUndefined();
    expect(filled.repeated).toEqual(['scope']);
    expect(filled.firstFaulty()).toBe('scope');
    expect(filled.fromHttp).toBe(true);
  });

  it('keeps a malformed parameter recorded as malformed', () => {
    const parameters = RequestParameters.fromRequest({ method: 'POST', body: { scope: 1 } });
    expect(parameters.withDefaults({ scope: 'default' }).malformed).toEqual(['scope']);
  });
});

describe('RequestParameters.getAll (RFC 8707 resource, which may repeat)', () => {
  it('gives every value in the order sent, empty ones left out', () => {
    const parameters = RequestParameters.fromRequest({
      method: 'POST',
      body: { resource: ['https://a.example/', '', 'https://b.example/'] },
    });
    expect(parameters.getAll('resource')).toEqual(['https://a.example/', 'https://b.example/']);
    expect(parameters.firstFaulty(['resource'])).toBe('resource');
  });

  it('gives one value sent once, and none for a parameter not sent', () => {
    const parameters = RequestParameters.of({ resource: 'https://a.example/' });
    expect(parameters.getAll('resource')).toEqual(['https://a.example/']);
    expect(parameters.getAll('audience')).toEqual([]);
  });

  it('gives undefined when a value is not a string, repeated or not', () => {
    const once = RequestParameters.fromRequest({ query: { resource: { a: 'b' } } });
    expect(once.getAll('resource')).toBeUndefined();
    const twice = RequestParameters.fromRequest({ query: { resource: ['x:y', { a: 'b' }] } });
    expect(twice.getAll('resource')).toBeUndefined();
    expect(twice.firstFaulty()).toBe('resource');
  });
});
