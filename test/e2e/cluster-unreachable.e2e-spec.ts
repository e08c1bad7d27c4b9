import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { OAuthistModule } from '../../lib';
import { freePort } from '../support/redis-server';
import { buildSample, runSampleUntilExit } from '../support/sample-process';

/**
 * A Redis Cluster that is down fails as fast as a single Redis that is down: the sample and
 * the CLI end with one line, and the module's start-up fails within its command timeout. A
 * plain ioredis Cluster parks every command while it knows no node, so each of these used to
 * wait for as long as the outage lasted.
 */

jest.setTimeout(60_000);

/** What the issue asks of both commands: an end within 10 s. */
const DEADLINE_MS = 10_000;

/** Accepts connections and never answers: a node that hangs rather than refuses. */
async function silentNode(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    port: (server.address() as AddressInfo).port,
    // close() waits for the connections to end, and this server never ends one itself.
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((closed) => server.close(closed));
    },
  };
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('a Redis Cluster whose nodes do not answer', () => {
  let silent: Awaited<ReturnType<typeof silentNode>> | undefined;
  let deadPort: number;
  const KINDS = ['refuse connections', 'accept and never answer'];
  /** `host:port,...` of the nodes, by how they fail. */
  const nodesOf = new Map<string, string>();

  beforeAll(async () => {
    buildSample();
    silent = await silentNode();
    // Free a moment ago, and nobody listens on it: connections are refused.
    deadPort = await freePort();
    nodesOf.set('refuse connections', `127.0.0.1:${deadPort},127.0.0.1:${await freePort()}`);
    nodesOf.set('accept and never answer', `127.0.0.1:${silent.port}`);
  });

  afterAll(async () => {
    await silent?.close();
  });

  function sampleEnv(nodes: string, port: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_CLUSTER_NODES: nodes,
      PORT: String(port),
    };
    delete env.REDIS_URL;
    return env;
  }

  it.each(KINDS)(
    '`npm start` exits non-zero within 10 s, with one line naming the nodes when they %s',
    async (kind) => {
      const nodes = nodesOf.get(kind) ?? '';
      const port = await freePort();
      const run = await runSampleUntilExit('main', [], sampleEnv(nodes, port), DEADLINE_MS);
      expect(run.signal).toBeNull();
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toHaveLength(1);
      for (const node of nodes.split(',')) expect(run.stderr).toContain(node);
      expect(run.stderr).toMatch(/^oauthist sample: cannot reach Redis \(REDIS_CLUSTER_NODES /);
      expect(run.stdout).not.toMatch(/listening/);
    },
  );

  it.each(KINDS)(
    '`npm run cli -- client list` exits 1 within 10 s, with one line on stderr when they %s',
    async (kind) => {
      const nodes = nodesOf.get(kind) ?? '';
      const run = await runSampleUntilExit(
        'cli',
        ['client', 'list'],
        sampleEnv(nodes, 0),
        DEADLINE_MS,
      );
      expect(run.signal).toBeNull();
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toEqual([expect.stringMatching(/^oauthist: cannot reach Redis /)]);
      for (const node of nodes.split(',')) expect(run.stderr).toContain(node);
      expect(run.stdout).toBe('');
    },
  );

  it.each(KINDS)(
    "the module's own { clusterNodes } connection fails start-up within the command timeout when they %s",
    async (kind) => {
      const nodes = nodesOf.get(kind) ?? '';
      const clusterNodes = nodes.split(',').map((node) => {
        const [host, port] = node.split(':');
        return { host, port: Number(port) };
      });
      const started = performance.now();
      await expect(
        Test.createTestingModule({
          imports: [OAuthistModule.forRoot({ redis: { clusterNodes }, commandTimeout: 300 })],
        }).compile(),
      ).rejects.toThrow(/^oauthist: Redis did not answer at start-up: /);
      expect(performance.now() - started).toBeLessThan(3000);
    },
  );
});
