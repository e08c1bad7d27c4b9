import type { ArgumentsHost } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { OAuthErrorFilter } from '../../lib/filters/oauth-error.filter';
import { OAuthError } from '../../lib';
import { resolveOptions } from '../../lib/options/resolve-options';

function hostOf(type: string): ArgumentsHost {
  return {
    getType: () => type,
    switchToHttp: () => {
      throw new Error('not an HTTP request');
    },
  } as unknown as ArgumentsHost;
}

// The module installs this filter for every route; transports other than HTTP must see
// oauthist's errors as they would without it.
describe('OAuthErrorFilter outside HTTP', () => {
  const filter = new OAuthErrorFilter(resolveOptions({ redis: 'redis://127.0.0.1:1' }));
  const error = new OAuthError('invalid_grant', 'refused');

  it('hands a microservice the error as an observable error', async () => {
    const result = filter.catch(error, hostOf('rpc'));
    expect(isObservable(result)).toBe(true);
    await expect(lastValueFrom(result as never)).rejects.toBe(error);
  });

  it.each(['graphql', 'ws'])('rethrows it on %s', (type) => {
    expect(() => filter.catch(error, hostOf(type))).toThrow(error);
  });
});
