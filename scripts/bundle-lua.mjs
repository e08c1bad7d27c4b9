// `npm run build:lua`: writes lib/redis/lua-scripts.generated.ts from lib/redis/scripts/*.lua
// (see lua-bundler.cjs). Writes only when the result differs, so that an unchanged module keeps
// its mtime and `npm start` does not rebuild the sample for nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import bundler from './lua-bundler.cjs';

const { GENERATED_FILE, bundleLua, readLuaSources } = bundler;

let generated;
try {
  generated = bundleLua(readLuaSources());
} catch (error) {
  console.error(`build:lua: ${error.message}`);
  process.exit(1);
}
const current = existsSync(GENERATED_FILE) ? readFileSync(GENERATED_FILE, 'utf8') : null;
if (current !== generated) {
  writeFileSync(GENERATED_FILE, generated);
  console.error(`build:lua: wrote ${relative(process.cwd(), GENERATED_FILE)}`);
}
