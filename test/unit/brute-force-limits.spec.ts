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
  it('is on by default: 10 failures per 300 s', () => {
    expect(bruteForce(undefined)).toEqual({ maxFailures: 10, windowSeconds: 300 });
    expect(bruteForce({})).toEqual({ maxFailures: 10, windowSeconds: 300 });
  });

  it('keeps what was given, and false turns it off', () => {
    expect(bruteForce({ maxFailures: 3 })).toEqual({ maxFailures: 3, windowSeconds: 300 });
    expect(bruteForce({ maxFailures: 1, windowSeconds: 2 })).toEqual({
      maxFailures: 1,
      windowSeconds: 2,
    });
    expect(bruteForce(false)).toBeNull();
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

  it('take ids as they are, and malformed ones too', () => {
    expect(clientSubject('AbC')).toEqual({ kind: 'client', id: 'AbC' });
    expect(clientSubject('a\ud800').id.isWellFormed()).toBe(true);
    expect(usernameSubject('\udc00').id.isWellFormed()).toBe(true);
  });
});
