import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { envString } from '../app/env.js';
import { writeFileDurably } from '../app/files.js';
import { toBase64 } from '../ledger/bytes.js';
import { type OpenedCheckpoint, openCheckpoint } from '../ledger/checkpoint.js';
import { isMatterlogError, MatterlogError } from '../ledger/errors.js';
import { verifierFromVkey } from '../ledger/note.js';
import { verifyConsistency } from '../ledger/proof.js';
import { consistencyProofFromTiles } from '../ledger/tile-proofs.js';
import { auditTree, type TreeHead } from '../ledger/tree-audit.js';
import { runAction } from './common.js';
import { EXIT } from './exit-codes.js';
import { info, printJson, progress } from './output.js';
import { sourceFor } from './tile-sources.js';

interface VerifyOptions {
  vkey?: string;
  stateDir: string;
  entries: boolean;
  full?: boolean;
  json?: boolean;
}

interface SavedState {
  vkey: string;
  origin: string;
  checkpoint: string;
  source: string;
  verifiedAt: string;
}

export function defaultStateDir(): string {
  const base = process.env['XDG_STATE_HOME'] || path.join(homedir(), '.local', 'state');
  return path.join(base, 'matterlog', 'verified');
}

function stateFile(dir: string, vkey: string): string {
  return path.join(dir, `${createHash('sha256').update(vkey).digest('hex').slice(0, 32)}.json`);
}

function loadState(file: string): SavedState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw new MatterlogError(
      'config',
      `cannot read the verification state ${file}: ${(e as Error).message}; delete it to start over`,
    );
  }
}

function saveState(file: string, state: SavedState): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileDurably(file, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

function splitViewReport(origin: string, before: string, now: string, why: string, json: boolean): number {
  if (json)
    printJson({ ok: false, splitView: true, origin, reason: why, checkpointBefore: before, checkpointNow: now });
  info(`\nmatterlog: SPLIT VIEW — the log "${origin}" has shown two inconsistent checkpoints.`);
  info(`  ${why}`);
  info('  Both are signed by the log. Keep them: together they prove it forked.\n');
  info('--- checkpoint verified before ---');
  info(before);
  info('--- checkpoint served now ---');
  info(now);
  return EXIT.splitView;
}

export function verifyCommand(setExit: (code: number) => void): Command {
  return new Command('verify')
    .summary('verify a log: checkpoint signature, tiles, entries, consistency')
    .description(
      'Fetches the checkpoint and checks its signature against --vkey; re-derives the root from the entry bundles and compares every hash tile the log serves; checks that the log is an extension of the last checkpoint this machine verified for it (remembered in --state-dir), and reports a split view loudly, with both checkpoints, if not. After the first run only the new entries are fetched. TARGET is the log URL or a directory from "export-tiles". Exits 0 only when everything checked holds.',
    )
    .argument('<target>', 'log URL (http://…) or static tiles directory')
    .option(
      '--vkey <vkey>',
      "the log's verifier key, name+hash+key (env MATTERLOG_VKEY)",
      envString(process.env, 'VKEY'),
    )
    .option(
      '--state-dir <dir>',
      'where verified checkpoints are remembered (env MATTERLOG_STATE_DIR)',
      envString(process.env, 'STATE_DIR') ?? defaultStateDir(),
    )
    .option('--no-entries', 'check hash tiles only, without downloading entry bundles')
    .option('--full', 're-derive the whole tree even if part was verified before')
    .option('--json', 'print the result as JSON')
    .action(async (target: string, opts: VerifyOptions) => {
      setExit(
        await runAction(async () => {
          if (!opts.vkey)
            throw new MatterlogError('config', "pass the log's verifier key with --vkey (or MATTERLOG_VKEY)");
          const verifier = verifierFromVkey(opts.vkey);
          const source = sourceFor(target);
          const note = await source.checkpoint();
          let now: OpenedCheckpoint;
          try {
            now = openCheckpoint(note, verifier);
          } catch (e) {
            if (isMatterlogError(e))
              throw new MatterlogError(
                'invalid_signature',
                `the checkpoint of ${target} does not verify: ${e.message}`,
                { cause: e },
              );
            throw e;
          }
          const file = stateFile(opts.stateDir, opts.vkey);
          const saved = loadState(file);
          let before: TreeHead | null = null;
          if (saved) {
            const b = openCheckpoint(saved.checkpoint, verifier);
            before = { size: b.size, root: b.root };
            if (b.size === now.size && toBase64(b.root) !== toBase64(now.root)) {
              const why = `two different roots for size ${b.size}`;
              return splitViewReport(now.origin, saved.checkpoint, note, why, Boolean(opts.json));
            }
            if (b.size > now.size) {
              // Older is not proof of a fork: a cache or a mirror may just be behind.
              throw new MatterlogError(
                'invalid_proof',
                `${target} serves an older checkpoint (size ${now.size}) than the one verified before (size ${b.size}): a stale cache or mirror, or a rollback. Nothing was verified; try again later or ask the log for its current checkpoint.`,
              );
            }
          }
          const bar = progress(
            'verifying',
            now.size - (opts.full || !before ? 0 : before.size),
            !opts.json && now.size > 10_000,
          );
          let result: Awaited<ReturnType<typeof auditTree>>;
          try {
            result = await auditTree({
              from: opts.full ? null : before,
              to: { size: now.size, root: now.root },
              source,
              entries: opts.entries,
              onProgress: (done) => bar.update(done),
            });
            if (before && before.size > 0 && before.size < now.size) {
              const proof = await consistencyProofFromTiles(before.size, now.size, (l, i, w) => source.tile(l, i, w));
              verifyConsistency(before.size, now.size, proof, before.root, now.root);
            }
          } catch (e) {
            bar.stop();
            if (saved && isMatterlogError(e) && (e.code === 'split_view' || e.code === 'invalid_proof')) {
              return splitViewReport(now.origin, saved.checkpoint, note, e.message, Boolean(opts.json));
            }
            throw e;
          }
          bar.stop();
          saveState(file, {
            vkey: opts.vkey,
            origin: now.origin,
            checkpoint: note,
            source: target,
            verifiedAt: new Date().toISOString(),
          });
          const summary = {
            ok: true,
            origin: now.origin,
            treeSize: now.size,
            root: toBase64(now.root),
            previousSize: before?.size ?? null,
            leavesChecked: result.leavesChecked,
            tilesChecked: result.tilesChecked,
            entriesChecked: opts.entries,
          };
          if (opts.json) printJson(summary);
          else {
            const what = opts.entries ? 'entries and tiles' : 'tiles';
            const from = before ? ` (extends the size-${before.size} checkpoint verified before)` : '';
            info(
              `verified "${now.origin}" at size ${now.size}${from}: signature, ${result.leavesChecked} new leaves from ${what}, ${result.tilesChecked} tiles, root.`,
            );
          }
          return EXIT.ok;
        }),
      );
    });
}
