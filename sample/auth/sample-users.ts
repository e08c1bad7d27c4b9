import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SAMPLE_CONFIG } from '../sample.tokens';
import type { SampleConfig } from '../sample-config';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The sample's users (SAMPLE_USERS): checks a name and password in constant time. */
@Injectable()
export class SampleUsers {
  constructor(@Inject(SAMPLE_CONFIG) private readonly config: SampleConfig) {}

  /** The user's name when the password is right, else `null`. */
  check(username: string, password: string): string | null {
    const expected = this.config.users.get(username);
    // An unknown user costs the same comparison as a wrong password.
    const matches = timingSafeEqual(digest(expected ?? '\0unknown'), digest(password));
    return expected !== undefined && matches ? username : null;
  }
}
