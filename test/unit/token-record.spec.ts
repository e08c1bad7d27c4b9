import {
  decodeFamily,
  decodeToken,
  familyField,
  grantIdentity,
  isStorableClientId,
  tokenBody,
  tokenField,
  tokenHead,
  tombstone,
} from '../../lib/redis/token-record';

const ISSUED = 1_700_000_000;
const NOW = ISSUED + 100;
const US = '\x1f';

function stored(
  scope: string,
  extras: Record<string, string>,
  issuedAt = ISSUED,
  expiresAt: number | null = ISSUED + 3600,
): string {
  return tokenHead(issuedAt, expiresAt) + tokenBody(scope, extras);
}

describe('the stored token format', () => {
  // The Lua scripts and the tokens already in Redis read this layout: it must not drift.
  it('is <issued at>␟<lifetime>␟<scope>, times in base 36', () => {
    expect(stored('read write', {})).toBe(`s44we8${US}2s0${US}read write`);
  });

  it('appends the extras as JSON after one more separator', () => {
    expect(stored('read', { tenant: 't' })).toBe(`s44we8${US}2s0${US}read${US}{"tenant":"t"}`);
  });

  it('stores a lifetime of 0 for a token that never expires', () => {
    expect(tokenHead(ISSUED, null)).toBe(`s44we8${US}0${US}`);
  });
});

describe('a token of a refresh-token family', () => {
  it('carries the family after its lifetime: <issued at>␟<lifetime>,<family>␟', () => {
    expect(tokenHead(ISSUED, ISSUED + 3600, 'fam1_-AB')).toBe(`s44we8${US}2s0,fam1_-AB${US}`);
  });

  it('decodes as any token', () => {
    const value = tokenHead(ISSUED, ISSUED + 3600, 'fam1_-AB') + tokenBody('read', { t: '1' });
    expect(decodeToken(value, `client${US}alice`, NOW)).toEqual({
      clientId: 'client',
      userId: 'alice',
      scope: 'read',
      extras: { t: '1' },
      audience: '',
      issuedAt: ISSUED,
      expiresAt: ISSUED + 3600,
    });
  });
});

describe('decodeFamily', () => {
  const current = 'C'.repeat(16);
  const previous = 'P'.repeat(16);

  it('is kept in the field ~<family id>, which no token field can be', () => {
    expect(familyField('fam1_-AB')).toBe('~fam1_-AB');
  });

  it('reads what grant.lua writes, ending at the sooner of its end and its idle limit', () => {
    const expires = (ISSUED + 86400).toString(36);
    const idle = (ISSUED + 600).toString(36);
    const value = [expires, idle, current, previous, ISSUED.toString(36), `read${US}{"t":"1"}`];
    expect(decodeFamily(value.join(US), `client${US}alice`)).toEqual({
      clientId: 'client',
      userId: 'alice',
      scope: 'read',
      extras: { t: '1' },
      audience: '',
      endsAt: ISSUED + 600,
      current,
      previous,
      rotatedAt: ISSUED,
    });
  });

  it('reads a family that never rotated and has no idle limit', () => {
    const value = [(ISSUED + 60).toString(36), '', current, '', '', 'read'].join(US);
    expect(decodeFamily(value, 'client')).toMatchObject({
      endsAt: ISSUED + 60,
      previous: null,
      rotatedAt: null,
      extras: {},
    });
  });

  it('gives nothing for what is no record', () => {
    expect(decodeFamily(null, 'client')).toBeNull();
    expect(decodeFamily('x', 'client')).toBeNull();
    expect(decodeFamily(['Z!', '', current, '', '', 'read'].join(US), 'client')).toBeNull();
    expect(decodeFamily(['1', '', '', '', '', 'read'].join(US), 'client')).toBeNull();
    expect(decodeFamily(['1', '', current, '', '', `read${US}{bad`].join(US), 'client')).toBeNull();
  });
});

describe('decodeToken', () => {
  it('reads back scope, client, times and no extras', () => {
    expect(decodeToken(stored('read write', {}), grantIdentity('c1', undefined), NOW)).toEqual({
      clientId: 'c1',
      userId: undefined,
      scope: 'read write',
      extras: {},
      audience: '',
      issuedAt: ISSUED,
      expiresAt: ISSUED + 3600,
    });
  });

  it('reads back the extras, with the user taken from the grant identity', () => {
    const extras = { tenant: 'acme', role: 'a"b\\c' };
    const value = stored('read', extras);
    expect(value).not.toContain('alice');
    const record = decodeToken(value, grantIdentity('c1', 'alice'), NOW);
    expect(record).toEqual({
      clientId: 'c1',
      userId: 'alice',
      scope: 'read',
      extras,
      audience: '',
      issuedAt: ISSUED,
      expiresAt: ISSUED + 3600,
    });
  });

  it('gives the user, apart from the extras, when no extra was stored', () => {
    const record = decodeToken(stored('', {}), grantIdentity('c1', 'bob'), NOW);
    expect(record).toEqual(expect.objectContaining({ scope: '', userId: 'bob', extras: {} }));
  });

  it('keeps a user id holding the separator whole', () => {
    const record = decodeToken(stored('', {}), grantIdentity('c1', `odd${US}id`), NOW);
    expect(record).toMatchObject({ clientId: 'c1', userId: `odd${US}id` });
  });

  it('gives a null client for an anonymous public client of the password grant', () => {
    const record = decodeToken(stored('read', {}), grantIdentity(null, 'alice'), NOW);
    expect(record).toMatchObject({ clientId: null, userId: 'alice' });
  });

  it('gives a null expiry for a token that never expires', () => {
    const record = decodeToken(stored('read', {}, ISSUED, null), 'c1', NOW);
    expect(record).toMatchObject({ issuedAt: ISSUED, expiresAt: null });
  });

  it('reads a scope without the time having passed into it', () => {
    expect(decodeToken(stored('a b c', {}), 'c1', NOW)).toMatchObject({ scope: 'a b c' });
  });

  it('gives nothing when the token or its grant is missing', () => {
    expect(decodeToken(null, 'c1', NOW)).toBeNull();
    expect(decodeToken(stored('read', {}), null, NOW)).toBeNull();
  });
});

describe('tombstone', () => {
  it('is reported as revoked until its time, then as unknown', () => {
    const value = tombstone(NOW + 60);
    expect(value).toBe('-s44wio');
    expect(decodeToken(value, 'c1', NOW)).toBe('revoked');
    expect(decodeToken(value, 'c1', NOW + 59)).toBe('revoked');
    expect(decodeToken(value, 'c1', NOW + 60)).toBeNull();
    expect(decodeToken(value, 'c1', NOW + 61)).toBeNull();
  });

  it('is unknown when its time is not base 36', () => {
    for (const value of ['-', '-12.5', '- 12', '-S44WIO', '--1', '-12!']) {
      expect([value, decodeToken(value, 'c1', 0)]).toEqual([value, null]);
    }
  });
});

describe('decodeToken on what is not a stored token', () => {
  // A newer format or a damaged key must read as no token, never as one with odd times.
  it.each([
    ['no separator', 's44we8'],
    ['one separator', `s44we8${US}2s0`],
    ['an empty issue time', `${US}2s0${US}read`],
    ['an issue time with a stray character', `12x!${US}2s0${US}read`],
    ['an issue time with a space', ` 12${US}2s0${US}read`],
    ['an upper-case issue time', `S44WE8${US}2s0${US}read`],
    ['an empty lifetime', `s44we8${US}${US}read`],
    ['a negative lifetime', `s44we8${US}-1${US}read`],
    ['extras that are not JSON', `s44we8${US}2s0${US}read${US}{"tenant":`],
    ['an empty extras part', `s44we8${US}2s0${US}read${US}`],
  ])('gives null for %s', (_name, value) => {
    expect(decodeToken(value, 'c1', NOW)).toBeNull();
  });

  // x is a base-36 digit, so "12x" is a time; what parseInt would stop at or fold must not be.
  it('reads only lower-case base-36 digits as a time, unlike parseInt', () => {
    expect(decodeToken(`12x${US}0${US}read`, 'c1', NOW)).toMatchObject({ issuedAt: 1401 });
    for (const time of ['12X', '12.5', '12 ', '+12', '1_2']) {
      expect(Number.isNaN(parseInt(time, 36))).toBe(false);
      expect([time, decodeToken(`${time}${US}0${US}read`, 'c1', NOW)]).toEqual([time, null]);
    }
  });
});

describe('tokenBody', () => {
  it('refuses a scope that could break the format, with a TypeError (RFC 6749 §3.3)', () => {
    for (const scope of [`read${US}x`, 'a  b', ' read', 'a"b', 'a\\b', 'é']) {
      expect(() => tokenBody(scope, {})).toThrow(TypeError);
    }
  });

  it('accepts an empty scope', () => {
    expect(tokenBody('', {})).toBe('');
  });

  it('leaves the extras out entirely when there are none', () => {
    expect(tokenBody('read', {})).toBe('read');
  });
});

describe('the audience of a stored token (RFC 8707)', () => {
  it('follows the extras, or an empty place for them: <scope>␟<extras>␟<audience>', () => {
    expect(tokenBody('read', { t: '1' }, 'AAAAAAAA')).toBe(`read${US}{"t":"1"}${US}AAAAAAAA`);
    expect(tokenBody('read', {}, 'AAAAAAAA BBBB-_BB')).toBe(`read${US}${US}AAAAAAAA BBBB-_BB`);
  });

  it('reads back with the scope and the extras', () => {
    const value = tokenHead(ISSUED, ISSUED + 3600) + tokenBody('read', {}, 'AAAAAAAA BBBBBBBB');
    expect(decodeToken(value, 'c1', NOW)).toMatchObject({
      scope: 'read',
      extras: {},
      audience: 'AAAAAAAA BBBBBBBB',
    });
    const withExtras = tokenHead(ISSUED, null) + tokenBody('', { t: '1' }, 'AAAAAAAA');
    expect(decodeToken(withExtras, 'c1', NOW)).toMatchObject({
      extras: { t: '1' },
      audience: 'AAAAAAAA',
    });
  });

  it('is empty for a token stored before audiences existed', () => {
    expect(decodeToken(stored('read', { t: '1' }), 'c1', NOW)).toMatchObject({ audience: '' });
  });

  it('makes a body with more parts, or an audience of other characters, no token', () => {
    const head = tokenHead(ISSUED, ISSUED + 3600);
    expect(decodeToken(`${head}read${US}${US}AAAAAAAA${US}x`, 'c1', NOW)).toBeNull();
    expect(decodeToken(`${head}read${US}${US}AA{AAAAA`, 'c1', NOW)).toBeNull();
  });

  it('travels in a family record too', () => {
    const current = 'C'.repeat(16);
    const value = ['1', '', current, '', '', `read${US}${US}AAAAAAAA`].join(US);
    expect(decodeFamily(value, 'c1')).toMatchObject({ scope: 'read', audience: 'AAAAAAAA' });
  });
});

describe('tokenField', () => {
  it('is 16 base64url characters of the SHA-256 of the token', () => {
    // Fixed: a change would orphan every token already stored.
    expect(tokenField('example-token')).toBe('TRVmodffQqhRdFbW');
  });

  it('is the same for the same token and differs for another', () => {
    const token = 'x'.repeat(43);
    expect(tokenField(token)).toBe(tokenField(token));
    expect(tokenField(token)).not.toBe(tokenField(token + 'y'));
    expect(tokenField(token)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});

describe('isStorableClientId', () => {
  it('accepts visible ASCII and spaces, and no client (RFC 6749 appendix A.1)', () => {
    expect(isStorableClientId('s6BhdRkqt3')).toBe(true);
    expect(isStorableClientId(' a client "id" ~ ')).toBe(true);
    expect(isStorableClientId(null)).toBe(true);
  });

  it('refuses an empty id, control characters (the separator among them) and non-ASCII', () => {
    for (const id of ['', `a${US}b`, 'a\nb', 'a\x7f', 'clïent']) {
      expect([id, isStorableClientId(id)]).toEqual([id, false]);
    }
  });
});

describe('grantIdentity', () => {
  it('is the client id, then the user id after the separator when a user granted it', () => {
    expect(grantIdentity('c1', undefined)).toBe('c1');
    expect(grantIdentity('c1', 'u1')).toBe(`c1${US}u1`);
    expect(grantIdentity(null, 'u1')).toBe(`${US}u1`);
  });
});
