/**
 * Builds dist/ once before the suites that run the real `matterlog` command as a
 * child process (e2e, crash, interop), so they test what users run.
 */
import { execFileSync } from 'node:child_process';
import { projectRoot } from './helpers/env.js';

export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}
