/**
 * Builds dist/ once before the suites that run the real `matterlog` command as a
 * child process (e2e, crash, interop), so they test what users run.
 */
import { execFileSync } from 'node:child_process';
import { projectRoot } from './helpers/env.js';

export default function setup(): void {
  // For quick runs of unit tests while the tree does not build (never in CI).
  if (process.env['MATTERLOG_SKIP_BUILD'] === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}
