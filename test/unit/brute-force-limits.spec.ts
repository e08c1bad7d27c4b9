import { OAuthistConfigurationError, OAuthistModuleOptions } from '../../lib';
import { resolveOptions } from '../../lib/options/resolve-options';
import { clientSubject, usernameSubject } from '../../lib/throttling/attempt-subject';

const redis = 'redis://127.0.0.1:6379';

function bruteForce(value: unknown): unknown {
  return resolveOptions({ redis, bruteForce: value } as OAuthistModuleOptions).bruteForce;
}

function failure(value: unknown): OAuthistConfigurationError {
  try {
    bruteForce(value);
  } catch (error) {
    return error as OAuthistConfigurationError;
  }
  throw new Error('options were accepted');
}

describe('the bruteForce option', () => {
  it('is on by default: 10 failures per source, 100 per username, per 300 s', () => {
    const defaults = { maxFailures: 10, maxFailuresPerUsername: 100, windowSeconds: 300 };
    expect(bruteForce(undefined)).toEqual(defaults);
    expect(bruteForce({})).toEqual(defaults);
  });

  it('keeps what was given, and false turns it off', () => {
    expect(bruteForce({ maxFailures: 3 })).toEqual({
      maxFailures: 3,
      maxFailuresPerUsername: 100,
      windowSeconds: 300,
    });
    expect(bruteForce({ maxFailures: 1, maxFailuresPerUsername: 5, windowSeconds: 2 })).toEqual({
      maxFailures: 1,
      maxFailuresPerUsername: 5,
      windowSeconds: 2,
    });
    expect(bruteForce(false)).toBeNull();
  });

  it('raises the default ceiling to maxFailures when that is higher', () => {
    expect(bruteForce({ maxFailures: 500 })).toMatchObject({ maxFailuresPerUsername: 500 });
  });

  it.each([
    [true, 'bruteForce'],
    [null, 'bruteForce'],
    [10, 'bruteForce'],
    [[], 'bruteForce'],
    [{ maxFailures: 0 }, 'bruteForce.maxFailures'],
    [{ maxFailures: 2.5 }, 'bruteForce.maxFailures'],
    [{ maxFailures: '10' }, 'bruteForce.maxFailures'],
    [{ maxFailures: 1001 }, 'bruteForce.maxFailures'],
    [{ maxFailures: 20, maxFailuresPerUsername: 19 }, 'bruteForce.maxFailuresPerUsername'],
    [{ maxFailuresPerUsername: 0 }, 'bruteForce.maxFailuresPerUsername'],
    [{ maxFailuresPerUsername: 10001 }, 'bruteForce.maxFailuresPerUsername'],
    [{ windowSeconds: -1 }, 'bruteForce.windowSeconds'],
    [{ windowSeconds: 86401 }, 'bruteForce.windowSeconds'],
  ])('refuses %j, naming %s', (value, option) => {
    const error = failure(value);
    expect(error).toBeInstanceOf(OAuthistConfigurationError);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
  });
});

describe('attempt subjects', () => {
  it('count spellings of one username together', () => {
    expect(usernameSubject('Alice')).toEqual(usernameSubject('alice'));
    expect(usernameSubject('Jos\u0065\u0301')).toEqual(usernameSubject('jos\u00e9'));
    expect(usernameSubject('alice')).not.toEqual(usernameSubject('alice2'));
  });

  it('count the full-width spelling of a username with the plain one (NFKC)', () => {
    expect(usernameSubject('\uff42\uff4f\uff42')).toEqual(usernameSubject('BOB'));
  });

  it('take ids as they are, and malformed ones too', () => {
    expect(clientSubject('AbC')).toEqual({ kind: 'client', id: 'AbC', source: 'unknown' });
    expect(clientSubject('a\ud800').id.isWellFormed()).toBe(true);
    expect(usernameSubject('\udc00').id.isWellFormed()).toBe(true);
  });
});
