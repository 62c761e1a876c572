#!/usr/bin/env node
// The matterlog command. The TypeScript sources are compiled to dist/ by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('matterlog: not built yet; run "npm run build" in the matterlog checkout first\n');
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
