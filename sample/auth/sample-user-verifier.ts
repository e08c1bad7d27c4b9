import { Injectable } from '@nestjs/common';
import { UserCredentialsVerifier } from '../../lib';
import { SampleUsers } from './sample-users';

/**
 * The password grant's credential check, put in place of oauthist's through DI
 * (`extraProviders`): SAMPLE_USERS, with the user's name as `user_id` on the token.
 */
@Injectable()
export class SampleUserVerifier extends UserCredentialsVerifier {
  constructor(private readonly users: SampleUsers) {
    super();
  }

  verify(username: string, password: string): { user_id: string } | null {
    const user = this.users.check(username, password);
    return user === null ? null : { user_id: user };
  }
}
