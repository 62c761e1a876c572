import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { envString } from '../app/env.js';
import { writeFileDurably } from '../app/files.js';
import { type LogService, openLog } from '../app/log-service.js';
import { type OpenedCheckpoint, openCheckpoint } from '../ledger/checkpoint.js';
import { MatterlogError } from '../ledger/errors.js';
import { HASH_SIZE } from '../ledger/hash.js';
import { verifierFromVkey } from '../ledger/note.js';
import { tilePath, tilesForSize } from '../ledger/tiles.js';
import { auditTree } from '../ledger/tree-audit.js';
import { databaseOptions, dirOption, runAction } from './common.js';
import { info, printJson, progress } from './output.js';
import { httpSource, type LogSource } from './tile-sources.js';

interface ExportOptions {
  dir: string;
  url?: string;
  vkey?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  json?: boolean;
}

function storeSource(log: LogService): LogSource {
  return {
    location: log.store.location,
    checkpoint: async () => (await log.reader.checkpoint()).note,
    tile: (level, index, width) => log.reader.tile(level, index, width),
    bundle: (index, width) => log.reader.entryBundle(index, width),
  };
}

/** The checkpoint already in OUT, which must be this log's (null for a new copy). */
function previousExport(out: string, vkey: string): OpenedCheckpoint | null {
  const file = path.join(out, 'checkpoint');
  if (!existsSync(file)) return null;
  try {
    return openCheckpoint(readFileSync(file, 'utf8'), verifierFromVkey(vkey));
  } catch (cause) {
    throw new MatterlogError(
      'conflict',
      `${out} holds a copy of another log (its checkpoint does not verify with this log's key); export to a new directory`,
      {
        cause,
      },
    );
  }
}

/** True when the file is there whole: hash tiles have a known size; bundles were written atomically. */
function complete(file: string, level: number | 'entries', width: number): boolean {
  if (!existsSync(file)) return false;
  return level === 'entries' || statSync(file).size === width * HASH_SIZE;
}

export function exportTilesCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('export-tiles')
    .summary('write a static copy of the log (checkpoint, tiles, entry bundles)')
    .description(
      'Writes the log as static files any web server or bucket can serve under the same paths: checkpoint (serve as text/plain; charset=utf-8), tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>] (application/octet-stream; immutable). Incremental: files that exist are never rewritten (tiles never change), and the checkpoint is written last, so the copy is always consistent. Partial tiles of earlier exports are kept, so clients can still check the checkpoints those exports published. Reads the local log (--dir), or mirrors a remote one (--url, checked against --vkey).',
    )
    .argument('<out>', 'output directory')
    .option('--url <url>', 'mirror this remote log instead of the local one')
    .option('--vkey <vkey>', "with --url: the log's verifier key (env MATTERLOG_VKEY)", envString(process.env, 'VKEY'))
    .option('--json', 'print {"treeSize","written","skipped"} as JSON');
  dirOption(cmd);
  databaseOptions(cmd);
  return cmd.action(async (out: string, opts: ExportOptions) => {
    setExit(
      await runAction(async () => {
        let log: LogService | null = null;
        let source: LogSource;
        let vkey: string;
        if (opts.url) {
          if (!opts.vkey) throw new MatterlogError('config', "mirroring with --url needs the log's --vkey");
          source = httpSource(opts.url);
          vkey = opts.vkey;
        } else {
          log = await openLog({
            dir: opts.dir,
            databaseUrl: opts.databaseUrl,
            databaseSchema: opts.databaseSchema,
            sequence: false,
          });
          source = storeSource(log);
          vkey = log.identity.vkey;
        }
        try {
          const note = await source.checkpoint();
          const cp = openCheckpoint(note, verifierFromVkey(vkey));
          const before = previousExport(out, vkey);
          if (opts.url) {
            // A mirror must not copy what it has not checked: re-derive the new part
            // of the tree from the remote entries, extending the copy already made.
            info(`checking ${opts.url} before copying it…`);
            await auditTree({
              from: before ? { size: before.size, root: before.root } : null,
              to: { size: cp.size, root: cp.root },
              source,
              entries: true,
            });
          }
          const tiles = tilesForSize(cp.size);
          const bar = progress('exporting', tiles.length, !opts.json && tiles.length > 100);
          let written = 0;
          let skipped = 0;
          for (const t of tiles) {
            const file = path.join(out, tilePath(t));
            if (complete(file, t.level, t.width)) skipped++;
            else {
              const data =
                t.level === 'entries'
                  ? await source.bundle(t.index, t.width)
                  : await source.tile(t.level, t.index, t.width);
              writeFileDurably(file, data);
              written++;
            }
            bar.tick();
          }
          // Last: a reader of the copy never sees a checkpoint whose tiles are missing.
          writeFileDurably(path.join(out, 'checkpoint'), note);
          bar.stop();
          if (opts.json) printJson({ treeSize: cp.size, written, skipped });
          else
            info(
              `exported "${cp.origin}" at size ${cp.size} to ${out}: ${written} files written, ${skipped} already there`,
            );
          return undefined;
        } finally {
          await log?.close();
        }
      }),
    );
  });
}
