/**
 * The Go verifier of test/interop/go (golang.org/x/mod/sumdb/note and /tlog, not
 * matterlog's code): finding Go, building it offline, running it, and a static
 * file server for `matterlog export-tiles` output.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { CliResult } from '../helpers/cli.js';
import { projectRoot } from '../helpers/env.js';

export const goSourceDir = path.join(projectRoot, 'test', 'interop', 'go');
/** Build output and Go's build cache; gitignored. */
export const cacheDir = path.join(projectRoot, 'test', 'interop', '.cache');

/** Offline: never the module proxy or checksum database (see setup-go.sh). */
const goEnv = {
  GOPROXY: 'off',
  GOSUMDB: 'off',
  GOFLAGS: '-mod=mod',
  GOTOOLCHAIN: 'local',
  GO111MODULE: 'on',
  GOCACHE: path.join(cacheDir, 'go-build'),
  GOPATH: path.join(cacheDir, 'gopath'),
};

/** Why the Go verifier cannot be built here, or null when it can. */
function goMissing(): string | null {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    return '`go` is not on PATH';
  }
  const replace = /^replace\s+golang\.org\/x\/mod\s+=>\s+(\S+)\s*$/m.exec(
    readFileSync(path.join(goSourceDir, 'go.mod'), 'utf8'),
  );
  const xmod = replace?.[1];
  if (xmod && !existsSync(path.join(xmod, 'sumdb', 'tlog'))) return `golang.org/x/mod is not in ${xmod}`;
  return null;
}

/**
 * True when Go and golang.org/x/mod are installed. When not: a loud SKIPPED
 * warning, or an error if MATTERLOG_REQUIRE_GO=1 (CI).
 */
export function goAvailable(): boolean {
  const why = goMissing();
  if (why === null) return true;
  const msg = `Go interop test: ${why} (run test/interop/setup-go.sh)`;
  if (process.env['MATTERLOG_REQUIRE_GO'] === '1') throw new Error(msg);
  console.warn(`SKIPPED: ${msg}`);
  return false;
}

function run(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return new Promise<CliResult>((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** `go vet` and `go build` the verifier (Go's cache makes a rebuild ~0.1 s); returns the binary. */
export async function buildVerifier(): Promise<string> {
  const bin = path.join(cacheDir, 'tlog-verify');
  for (const args of [
    ['vet', '.'],
    ['build', '-o', bin, '.'],
  ]) {
    const r = await run('go', args, { cwd: goSourceDir, env: goEnv });
    if (r.code !== 0) throw new Error(`go ${args.join(' ')} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  }
  return bin;
}

export interface VerifyOptions {
  url: string;
  vkey: string;
  size?: number;
  olds?: string[];
  indices?: number[];
}

export function runVerifier(bin: string, o: VerifyOptions): Promise<CliResult> {
  const args = ['-url', o.url, '-vkey', o.vkey];
  if (o.size !== undefined) args.push('-size', String(o.size));
  for (const f of o.olds ?? []) args.push('-old', f);
  for (const i of o.indices ?? []) args.push('-index', String(i));
  return run(bin, args);
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a directory read-only, like a web server or bucket would (404 for what is absent). */
export async function serveStatic(root: string): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const rel = path.posix.normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    const file = path.join(root, rel);
    if (req.method !== 'GET' || !file.startsWith(root + path.sep)) {
      res.writeHead(400).end();
      return;
    }
    readFile(file).then(
      (b) => {
        const text = rel === '/checkpoint';
        res.writeHead(200, { 'Content-Type': text ? 'text/plain; charset=utf-8' : 'application/octet-stream' });
        res.end(b);
      },
      () => res.writeHead(404).end('not found\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
