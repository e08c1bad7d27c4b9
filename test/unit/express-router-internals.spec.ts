import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import express from 'express';

/**
 * The versions (major.minor) on which lib/http/unreadable-body.ts's reading of the Express
 * router's stack, and Nest's copying of a handler's metadata onto the function it registers,
 * were checked against test/property/unreadable-body.e2e-spec.ts.
 */
const CHECKED: Readonly<Record<string, readonly string[]>> = {
  express: ['5.2'],
  router: ['2.3'],
  '@nestjs/core': ['11.2'],
  '@nestjs/platform-express': ['11.2'],
};

function installedVersion(name: string): string {
  // Express 5 routes with the router package it depends on, not necessarily the hoisted one.
  const paths = name === 'router' ? [dirname(require.resolve('express/package.json'))] : undefined;
  const manifest = readFileSync(require.resolve(`${name}/package.json`, { paths }), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

/** The parts of Express 5's route layers that unreadable-body.ts reads. */
interface ExpressLayer {
  route?: { methods: Record<string, boolean>; stack: { handle: unknown }[] };
  // Truthy when the layer matches (router 2.3 returns what matched, not `true`).
  match(path: string): unknown;
}

describe('the Express router internals that unreadable bodies are answered by', () => {
  it.each(Object.entries(CHECKED))('were checked on the installed %s', (name, checked) => {
    const version = installedVersion(name);
    if (!checked.includes(version.split('.').slice(0, 2).join('.'))) {
      throw new Error(
        `${name} ${version} is outside the versions (${checked.join(', ')}) on which ` +
          'lib/http/unreadable-body.ts was checked to find the route of a request by the Express ' +
          "router's stack. Run test/property/unreadable-body.e2e-spec.ts; if it passes, add the " +
          'version here, and see whether expressjs/express#6481 now offers a supported way.',
      );
    }
  });

  it('find a route by its handler and match a path as Express routing does', () => {
    const app = express();
    const handler = (): void => undefined;
    app.post('/v1/oauth/token', handler);
    const stack = (app.router as unknown as { stack: ExpressLayer[] }).stack;
    const layer = stack.find((each) => each.route?.stack.some((h) => h.handle === handler));
    expect(layer?.route?.methods).toEqual({ post: true });
    const paths = ['/v1/oauth/token', '/V1/OAuth/Token', '/v1/oauth/token/', '/v1/oauth/token/x'];
    expect(paths.map((path) => Boolean(layer?.match(path)))).toEqual([true, true, true, false]);
  });
});
