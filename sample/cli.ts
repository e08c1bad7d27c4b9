import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommanderError } from 'commander';
import {
  ClientService,
  OAuthError,
  OAuthistModule,
  StorageUnavailableError,
  TokenService,
} from '../lib';
import { cliProgram, UsageError } from './cli/cli-program';
import { readSampleConfig } from './sample-config';
import { connectSampleRedis, SampleRedis } from './sample-redis';

/** Exit codes of the contract: 2 for the caller's mistakes, 1 for everything else. */
function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof CommanderError) return 2;
  if (error instanceof StorageUnavailableError) return 1;
  if (error instanceof OAuthError) return error.status < 500 ? 2 : 1;
  return 1;
}

function messageOf(error: unknown): string {
  if (error instanceof OAuthError) return error.description;
  if (error instanceof CommanderError) return error.message.replace(/^error: /, '');
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  let redis: SampleRedis | undefined;
  try {
    const config = readSampleConfig();
    redis = await connectSampleRedis(config);
    @Module({
      imports: [
        OAuthistModule.forRoot({
          redis: redis.client,
          prefix: config.prefix,
          routes: {
            authorize: false,
            token: false,
            revoke: false,
            introspect: false,
            metadata: false,
          },
        }),
      ],
    })
    class CliModule {}
    const app = await NestFactory.createApplicationContext(CliModule, { logger: false });
    try {
      const program = cliProgram(app.get(ClientService), app.get(TokenService), (value) => {
        process.stdout.write(`${JSON.stringify(value)}\n`);
      });
      await program.parseAsync(argv, { from: 'user' });
      return 0;
    } finally {
      await app.close();
    }
  } catch (error) {
    // --help and --version end through the same exception, successfully.
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    process.stderr.write(`oauthist: ${messageOf(error)}\n`);
    return exitCodeOf(error);
  } finally {
    await redis?.close();
  }
}

// Stopped by a signal, the CLI exits rather than dies, so that exit handlers stop an embedded
// redis-server it started (128 + the signal's number, as a shell reports it).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
process.once('SIGHUP', () => process.exit(129));

void main(process.argv.slice(2)).then((code) => process.exit(code));
