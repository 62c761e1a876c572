/**
 * Running the real `matterlog` command (bin/matterlog.js over dist/) from tests.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from './env.js';

export const BIN = path.join(projectRoot, 'bin', 'matterlog.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `matterlog args…` to completion. */
export function cli(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

export function tempDir(prefix = 'matterlog-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  vkey: string;
  origin: string;
  stderr(): string;
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/** Starts `matterlog serve --json` and waits until it listens. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--json', '--port', '0', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const end = out.indexOf('\n}');
      if (end >= 0) {
        const info = JSON.parse(out.slice(0, end + 2)) as { url: string; vkey: string; origin: string };
        resolve({
          child,
          ...info,
          stderr: () => err,
          async stop() {
            child.kill('SIGTERM');
            return exited;
          },
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`matterlog serve exited (${code}) before listening:\n${err}`)));
  });
}
