#!/usr/bin/env node
// The matterlog command. The TypeScript sources are compiled to dist/ by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('matterlog: not built yet; run "npm run build" in the matterlog checkout first\n');
  process.exit(1);
}
// `matterlog actor list | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
