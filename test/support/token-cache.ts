import { InvalidAccessToken } from '../../lib';
import type { TokenService } from '../../lib';

/** Why `tokens` refuses `token` (`InvalidAccessToken.reason`), or 'live'. */
export function verdict(tokens: TokenService, token: string): Promise<string> {
  return tokens.verifyAccessToken(token).then(
    () => 'live',
    (error: unknown) => {
      if (error instanceof InvalidAccessToken) return error.reason;
      throw error;
    },
  );
}
