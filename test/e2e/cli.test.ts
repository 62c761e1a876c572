/**
 * The matterlog command as users run it: init, serve, append, verify,
 * export-tiles, against a real SQLite store and a real HTTP server.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, type ServerProcess, startServe, tempDir } from '../helpers/cli.js';

const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});
async function serve(dir: string): Promise<ServerProcess> {
  const s = await startServe(['--dir', dir]);
  servers.push(s);
  return s;
}
async function stop(s: ServerProcess): Promise<void> {
  servers.splice(servers.indexOf(s), 1);
  expect(await s.stop()).toBe(0);
}

async function init(dir: string, origin = 'e2e.example/log') {
  const r = await cli(['init', '--dir', dir, '--origin', origin, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { origin: string; vkey: string; token: string };
}

describe('matterlog init', () => {
  it('creates an owner-only data directory and key, prints vkey and token once', async () => {
    const dir = path.join(tempDir(), 'log');
    const { origin, vkey, token } = await init(dir);
    expect(origin).toBe('e2e.example/log');
    expect(vkey).toMatch(/^e2e\.example\/log\+[0-9a-f]{8}\+A/);
    expect(token).toMatch(/^mlt_/);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'log.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'config.json'), 'utf8')).not.toContain(token);
    const again = await cli(['init', '--dir', dir]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/already holds a log/);
  });

  it('refuses a bad origin and leaves nothing behind', async () => {
    const dir = path.join(tempDir(), 'bad');
    const r = await cli(['init', '--dir', dir, '--origin', 'has space']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not allowed/);
    expect(() => statSync(dir)).toThrow();
  });
});

describe('append, verify and export', () => {
  it('appends files and lines, dedups, verifies incrementally and from a static export', async () => {
    const dir = path.join(tempDir(), 'log');
    const { vkey, token } = await init(dir);
    const server = await serve(dir);
    const work = tempDir();
    const file = path.join(work, 'a.json');
    writeFileSync(file, '{"lot":"A-1"}');
    const one = await cli(['append', '--url', server.url, '--token', token, file]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe('0\n');
    const lines = Array.from({ length: 700 }, (_, i) => `line ${i}`).join('\n');
    const many = await cli(['append', '--url', server.url, '--token', token, '--lines', '--batch', '128'], {
      input: `${lines}\n\n`,
    });
    expect(many.code, many.stderr).toBe(0);
    expect(many.stdout.trim().split('\n').map(Number)).toEqual(Array.from({ length: 700 }, (_, i) => i + 1));
    expect(many.stderr).toMatch(/skipping 1 empty line/);
    const dup = await cli(['append', '--url', server.url, '--token', token, '--json', file]);
    expect(JSON.parse(dup.stdout)).toMatchObject([{ index: 0, duplicate: true }]);

    const state = tempDir();
    const v1 = await cli(['verify', server.url, '--vkey', vkey, '--state-dir', state, '--json']);
    expect(v1.code, v1.stderr).toBe(0);
    expect(JSON.parse(v1.stdout)).toMatchObject({ ok: true, treeSize: 701, previousSize: null, leavesChecked: 701 });
    await cli(['append', '--url', server.url, '--token', token, '--lines'], { input: 'more 1\nmore 2\n' });
    const v2 = await cli(['verify', server.url, '--vkey', vkey, '--state-dir', state, '--json']);
    expect(JSON.parse(v2.stdout)).toMatchObject({ ok: true, treeSize: 703, previousSize: 701, leavesChecked: 2 });

    const out = path.join(work, 'static');
    const ex = await cli(['export-tiles', out, '--dir', dir, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    expect(JSON.parse(ex.stdout)).toMatchObject({ treeSize: 703 });
    expect(readdirSync(path.join(out, 'tile', 'entries')).sort()).toEqual(['000', '001', '002.p']);
    const again = await cli(['export-tiles', out, '--dir', dir, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0 });
    const vs = await cli(['verify', out, '--vkey', vkey, '--state-dir', tempDir(), '--json']);
    expect(vs.code, vs.stderr).toBe(0);

    // Tampering with the static copy is caught.
    const bundle = path.join(out, 'tile', 'entries', '001');
    const bytes = readFileSync(bundle);
    bytes[2] = (bytes[2] as number) ^ 1; // a byte of the first entry, not a length prefix
    writeFileSync(bundle, bytes);
    const bad = await cli(['verify', out, '--vkey', vkey, '--state-dir', tempDir()]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/does not match|do not hash/);

    const wrongKey = await cli([
      'verify',
      server.url,
      '--vkey',
      (await init(path.join(tempDir(), 'x'))).vkey,
      '--state-dir',
      tempDir(),
    ]);
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/does not verify/);
    const noToken = await cli(['append', '--url', server.url, file], { env: { MATTERLOG_TOKEN: '' } });
    expect(noToken.code).toBe(6);
    const wrongToken = await cli(['append', '--url', server.url, '--token', 'mlt_nope', file]);
    expect(wrongToken.code).toBe(6);
    expect(wrongToken.stderr).toMatch(/operator token is wrong/);
    await stop(server);
  });
});

describe('append input handling', () => {
  it('stores lines byte for byte, checks all input before sending, reads the token from a file', async () => {
    const dir = path.join(tempDir(), 'log');
    const { token } = await init(dir);
    const s = await serve(dir);
    const work = tempDir();
    const tokenFile = path.join(work, 'token');
    writeFileSync(tokenFile, `${token}\n`);
    const raw = path.join(work, 'raw.txt');
    writeFileSync(raw, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x78, 0x0d, 0x79, 0x0a])); // "caf\xe9\r\n" "x\ry\n"
    const r = await cli(['append', '--url', s.url, '--token-file', tokenFile, '--lines', '--json', raw], {
      env: { MATTERLOG_TOKEN: '' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    const bundle = new Uint8Array(await (await fetch(`${s.url}/tile/entries/000.p/2`)).arrayBuffer());
    expect(Buffer.from(bundle).toString('hex')).toBe('0004636166e9' + '0003780d79');
    // One bad input among good ones: nothing is appended.
    const empty = path.join(work, 'empty');
    writeFileSync(empty, '');
    const bad = await cli(['append', '--url', s.url, '--token', token, raw, empty]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/empty/);
    const tooLong = await cli(['append', '--url', s.url, '--token', token, '--lines'], {
      input: `ok\n${'x'.repeat(70000)}\n`,
    });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/stdin:2 is 70000 bytes/);
    expect((await (await fetch(`${s.url}/checkpoint`)).text()).split('\n')[1]).toBe('2');
    await stop(s);
  });
});

describe('split view', () => {
  it('is reported loudly, with both checkpoints, when the log forks', async () => {
    const dir = path.join(tempDir(), 'log');
    const { vkey, token } = await init(dir);
    let s = await serve(dir);
    await cli(['append', '--url', s.url, '--token', token, '--lines'], { input: 'a\nb\nc\n' });
    await stop(s);
    const fork = path.join(tempDir(), 'fork');
    cpSync(dir, fork, { recursive: true });

    const state = tempDir();
    s = await serve(dir);
    await cli(['append', '--url', s.url, '--token', token], { input: 'honest' });
    expect((await cli(['verify', s.url, '--vkey', vkey, '--state-dir', state])).code).toBe(0);
    await stop(s);

    // The same key signs a different fourth entry: same size, other root.
    s = await serve(fork);
    await cli(['append', '--url', s.url, '--token', token], { input: 'forked' });
    const same = await cli(['verify', s.url, '--vkey', vkey, '--state-dir', state]);
    expect(same.code).toBe(4);
    expect(same.stderr).toMatch(/SPLIT VIEW/);
    expect(same.stderr).toMatch(/checkpoint verified before[\s\S]*\n4\n[\s\S]*checkpoint served now[\s\S]*\n4\n/);
    // It grows past the old size: the old tree is no longer inside it.
    await cli(['append', '--url', s.url, '--token', token, '--lines'], { input: 'x\ny\n' });
    const grown = await cli(['verify', s.url, '--vkey', vkey, '--state-dir', state, '--json']);
    expect(grown.code).toBe(4);
    expect(JSON.parse(grown.stdout)).toMatchObject({ ok: false, splitView: true });
    await stop(s);

    // An older checkpoint is stale, not a fork: verification fails without crying split view.
    const older = tempDir();
    cpSync(dir, path.join(older, 'log'), { recursive: true });
    s = await serve(dir);
    await cli(['append', '--url', s.url, '--token', token], { input: 'newer' });
    const st = tempDir();
    expect((await cli(['verify', s.url, '--vkey', vkey, '--state-dir', st])).code).toBe(0);
    await stop(s);
    s = await serve(path.join(older, 'log'));
    const stale = await cli(['verify', s.url, '--vkey', vkey, '--state-dir', st]);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(/older checkpoint/);
    expect(stale.stderr).not.toMatch(/SPLIT VIEW/);
    await stop(s);
  });
});

describe('stopping', () => {
  it('exits cleanly on SIGTERM even while a keep-alive client keeps appending, and loses no acknowledged entry', async () => {
    const dir = path.join(tempDir(), 'log');
    const { token } = await init(dir);
    const s = await serve(dir);
    let stopped = false;
    const acked: number[] = [];
    const client = (async () => {
      for (let n = 0; !stopped; n++) {
        try {
          const res = await fetch(`${s.url}/append`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}` },
            body: `e${n}`,
          });
          if (res.status === 201) acked.push(((await res.json()) as { index: number }).index);
          else await res.arrayBuffer();
        } catch {
          stopped = true;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await stop(s);
    stopped = true;
    await client;
    expect(acked.length).toBeGreaterThan(0);
    const again = await serve(dir);
    const size = Number((await (await fetch(`${again.url}/checkpoint`)).text()).split('\n')[1]);
    expect(size).toBeGreaterThanOrEqual(Math.max(...acked) + 1);
    await stop(again);
  });
});

describe('help and usage', () => {
  it('prints --help for every command and exits 2 on bad usage', async () => {
    const verbs = [
      'init',
      'serve',
      'append',
      'verify',
      'export-tiles',
      'keygen',
      'actor',
      'sign',
      'submit',
      'capture',
      'catalog',
      'assess',
    ];
    for (const cmd of [[], ...verbs.map((v) => [v]), ['reindex']]) {
      const r = await cli([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: matterlog/);
      expect(r.stdout).toMatch(/Exit codes:/);
    }
    for (const sub of ['add', 'list', 'revoke', 'token']) {
      const r = await cli(['actor', sub, '--help']);
      expect(r.code, `actor ${sub}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: matterlog actor ${sub}`));
    }
    expect((await cli(['serve', '--port', 'eighty'])).code).toBe(2);
    expect((await cli(['nonsense'])).code).toBe(2);
    expect((await cli(['verify'])).code).toBe(2);
  });

  it('runs read-only nodes without the signing key, mirrors with checks, refuses a busy port', async () => {
    const dir = path.join(tempDir(), 'log');
    const { vkey, token } = await init(dir);
    const s = await serve(dir);
    await cli(['append', '--url', s.url, '--token', token, '--lines'], { input: 'm1\nm2\nm3\n' });
    // A read-only node: a copy of the directory without log.key.
    const ro = path.join(tempDir(), 'ro');
    cpSync(dir, ro, { recursive: true });
    rmSync(path.join(ro, 'log.key'));
    const reader = await startServe(['--dir', ro, '--read-only']);
    servers.push(reader);
    expect((await (await fetch(`${reader.url}/checkpoint`)).text()).split('\n')[1]).toBe('3');
    const refused = await cli(['append', '--url', reader.url, '--token', token], { input: 'x' });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/read-only/);
    await stop(reader);
    // A mirror of the remote log, checked against the key; another log's directory is refused.
    const mirror = path.join(tempDir(), 'mirror');
    const m = await cli(['export-tiles', mirror, '--url', s.url, '--vkey', vkey, '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ treeSize: 3 });
    const other = await init(path.join(tempDir(), 'other'), 'other.example/log');
    const wrongDir = await cli(['export-tiles', mirror, '--url', s.url, '--vkey', other.vkey]);
    expect(wrongDir.code).not.toBe(0);
    const port = new URL(s.url).port;
    const busy = await cli(['serve', '--dir', dir, '--port', port]);
    expect(busy.code).toBe(6);
    expect(busy.stderr).toMatch(/in use|another sequencer/);
    await stop(s);
  });

  it('prints help to stderr and exits 2 when no command is given', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: matterlog/);
  });

  it('tells a user who serves an uninitialised directory what to do', async () => {
    const r = await cli(['serve', '--dir', path.join(tempDir(), 'none')]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/run "matterlog init/);
  });
});
