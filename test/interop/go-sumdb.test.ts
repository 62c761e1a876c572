/**
 * Interoperability: a third party verifies matterlog's log with Go's
 * golang.org/x/mod/sumdb/note and sumdb/tlog (test/interop/go), which matterlog
 * did not write. Over 65,536 entries, so there are full and partial tiles at
 * levels 0 and 1 and a level-2 tile; earlier checkpoints at 1, 256, 1,000 and
 * 65,536 entries are proved consistent with the latest. Checked against the
 * running server and against a static `matterlog export-tiles` copy.
 *
 * Needs Go and golang.org/x/mod (test/interop/setup-go.sh); skipped loudly when
 * they are absent, failed instead when MATTERLOG_REQUIRE_GO=1.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type ServerProcess, startServe, tempDir } from '../helpers/cli.js';
import { buildVerifier, goAvailable, runVerifier, type StaticServer, serveStatic } from './go-verifier.js';

const ORIGIN = 'interop.example.org/go-sumdb';
const EARLIER_SIZES = [1, 256, 1000, 65_536];
const FINAL_SIZE = 70_000;
const MAX_PER_REQUEST = 10_000;

/** Entry i: unique, 0 to 65,535 bytes, with newlines and NULs (C2SP bundles are length-prefixed). */
function entry(i: number): Buffer {
  if (i === 2) return Buffer.alloc(0);
  if (i === 300) return Buffer.alloc(0xffff, 0x0a);
  return Buffer.concat([Buffer.from(`matterlog interop entry ${i}\n`), Buffer.alloc(i % 97, i % 256)]);
}

async function appendUpTo(url: string, token: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += MAX_PER_REQUEST) {
    const end = Math.min(to, start + MAX_PER_REQUEST);
    const entries: string[] = [];
    for (let i = start; i < end; i++) entries.push(entry(i).toString('base64'));
    const res = await fetch(`${url}/append`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ entries }),
    });
    const body = (await res.json()) as { results?: { index: number; duplicate: boolean }[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    const results = body.results ?? [];
    expect(results.map((r) => r.index)).toEqual(entries.map((_, k) => start + k));
    expect(results.every((r) => !r.duplicate)).toBe(true);
  }
}

async function initLog(dir: string): Promise<{ vkey: string; token: string }> {
  const r = await cli(['init', '--dir', dir, '--origin', ORIGIN, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { vkey: string; token: string };
}

async function exportTiles(dir: string, out: string): Promise<void> {
  const r = await cli(['export-tiles', out, '--dir', dir, '--json']);
  expect(r.code, r.stderr).toBe(0);
}

/** The lines every passing run prints, whatever serves the tiles. */
function expectFullPass(stdout: string): void {
  expect(stdout).not.toMatch(/^FAIL/m);
  expect(stdout).toMatch(/^PASS: \d+ checks$/m);
  const lines = [
    `ok   GET /checkpoint: note.Open with the vkey, tlog.ParseTree: origin "${ORIGIN}", size ${FINAL_SIZE}`,
    `ok   tlog.TileHashReader + tlog.TreeHash(${FINAL_SIZE}) over the hash tiles = the signed root`,
    `ok   all ${FINAL_SIZE} entries: tlog.StoredHashes over every entry bundle reproduce the signed root`,
    `ok   every hash tile of tree ${FINAL_SIZE} equals tlog.ReadTileData`,
    '     tiles compared per level: map[0:274 1:2 2:1]',
  ];
  for (const i of [0, 2, 255, 256, 300, 65_535, 65_536, FINAL_SIZE - 1]) {
    lines.push(
      `ok   entry ${i}: tlog.RecordHash(entry) is its tile leaf; tlog.ProveRecord/CheckRecord in tree ${FINAL_SIZE}`,
    );
  }
  for (const n of EARLIER_SIZES) {
    lines.push(`ok   tlog.ProveTree/CheckTree ${n} -> ${FINAL_SIZE}`);
    lines.push(`ok   earlier tree ${n}: tlog.TreeHash from its own (partial) tiles = its signed root`);
  }
  for (const line of lines) expect(stdout).toContain(line);
  // Tampering: flipped bits in the signed note, the roots, a leaf hash and tiles.
  const rejected = stdout.match(/^ok .*: rejected \(/gm) ?? [];
  expect(rejected.length).toBe(6 + 2 * EARLIER_SIZES.length);
}

describe.skipIf(!goAvailable())('Go golang.org/x/mod/sumdb verifies a matterlog log', () => {
  let dir = '';
  let exported = '';
  let checkpoints = '';
  let olds: string[] = [];
  let bin = '';
  let server: ServerProcess | undefined;
  let vkey = '';
  let otherVkey = '';

  beforeAll(async () => {
    bin = await buildVerifier();
    dir = tempDir('matterlog-interop-');
    exported = path.join(dir, 'export');
    checkpoints = path.join(dir, 'checkpoints');
    olds = EARLIER_SIZES.map((n) => path.join(checkpoints, `checkpoint-${n}`));
    const logDir = path.join(dir, 'log');
    const created = await initLog(logDir);
    vkey = created.vkey;
    otherVkey = (await initLog(path.join(dir, 'other-log'))).vkey;
    mkdirSync(checkpoints);
    server = await startServe(['--dir', logDir]);
    expect(server.vkey).toBe(vkey);
    let size = 0;
    for (const [k, n] of EARLIER_SIZES.entries()) {
      await appendUpTo(server.url, created.token, size, n);
      size = n;
      const cp = await (await fetch(`${server.url}/checkpoint`)).text();
      expect(cp.split('\n')[1]).toBe(String(n));
      writeFileSync(olds[k] as string, cp);
      // Incremental export at every earlier size keeps that size's partial tiles.
      await exportTiles(logDir, exported);
    }
    await appendUpTo(server.url, created.token, size, FINAL_SIZE);
    await exportTiles(logDir, exported);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('checks the running server: checkpoint, tiles, inclusion, consistency, tampering', async () => {
    const r = await runVerifier(bin, { url: server?.url ?? '', vkey, size: FINAL_SIZE, olds, indices: [2, 300] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectFullPass(r.stdout);
  });

  it('checks a static export-tiles copy served by a plain file server', async () => {
    let files: StaticServer | undefined;
    try {
      files = await serveStatic(exported);
      const r = await runVerifier(bin, { url: files.url, vkey, size: FINAL_SIZE, olds, indices: [2, 300] });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expectFullPass(r.stdout);
    } finally {
      await files?.close();
    }
  });

  it.each([
    ['a level-1 hash tile', 'tile/1/000', 7],
    ['a level-0 hash tile', 'tile/0/100', 100],
    ['an entry bundle', 'tile/entries/255', 40],
  ])('fails a static copy with one flipped bit in %s', async (_what, file, at) => {
    const copy = path.join(dir, `tampered-${file.replaceAll('/', '-')}`);
    cpSync(exported, copy, { recursive: true });
    const bytes = readFileSync(path.join(copy, file));
    bytes[at] = (bytes[at] as number) ^ 0x10;
    writeFileSync(path.join(copy, file), bytes);
    const files = await serveStatic(copy);
    try {
      const r = await runVerifier(bin, { url: files.url, vkey, olds });
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/^FAIL /m);
    } finally {
      await files.close();
    }
  });

  it('rejects the checkpoint under another key with the same name', async () => {
    expect(otherVkey.split('+')[0]).toBe(ORIGIN);
    expect(otherVkey).not.toBe(vkey);
    const r = await runVerifier(bin, { url: server?.url ?? '', vkey: otherVkey });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL GET \/checkpoint: .*note\.Open: note has no verifiable signatures$/m);
    expect(r.stdout).toMatch(/^FAILED: 1 of 1 checks$/m);
  });

  it("rejects an earlier checkpoint without the log's signature", async () => {
    const forged = path.join(checkpoints, 'not-signed');
    writeFileSync(forged, `${ORIGIN}\n1000\n${Buffer.alloc(32, 1).toString('base64')}\n\n— ${ORIGIN} AAAAAAAA\n`);
    const r = await runVerifier(bin, { url: server?.url ?? '', vkey, olds: [forged] });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^FAIL earlier checkpoint .*not-signed: note\.Open, tlog\.ParseTree: note\.Open: note has no verifiable signatures$/m,
    );
  });
});
