import type { TokenService, UserGrant } from '../../lib';

/** Every client `userId` granted, page after page: a person has few, so one list suffices. */
export async function allGrantsOf(tokens: TokenService, userId: string): Promise<UserGrant[]> {
  const all: UserGrant[] = [];
  let after: string | undefined;
  do {
    const page = await tokens.listGrants(userId, { after, limit: 1000 });
    all.push(...page.grants);
    after = page.next ?? undefined;
  } while (after !== undefined);
  return all;
}
