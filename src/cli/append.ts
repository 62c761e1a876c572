import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { envString } from '../app/env.js';
import { toBase64 } from '../ledger/bytes.js';
import { MAX_ENTRY_SIZE } from '../ledger/entry-bundle.js';
import { MatterlogError } from '../ledger/errors.js';
import { intArg, runAction } from './common.js';
import { joinUrl, request } from './http-client.js';
import { info, printJson, progress } from './output.js';

interface AppendOptions {
  url: string;
  token?: string;
  lines?: boolean;
  batch: number;
  json?: boolean;
}

interface AppendResult {
  index: number;
  leafHash: string;
  duplicate: boolean;
  treeSize: number;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

function readAll(source: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(source === '-' ? 0 : source));
  } catch (cause) {
    throw new MatterlogError(
      'invalid_input',
      `cannot read ${source === '-' ? 'standard input' : source}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

async function* linesOf(sources: string[]): AsyncGenerator<{ line: Buffer; where: string }> {
  for (const source of sources) {
    const stream = source === '-' ? process.stdin : createReadStream(source);
    stream.on('error', () => {});
    const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    let n = 0;
    try {
      for await (const line of rl) {
        n++;
        yield { line: Buffer.from(line, 'utf8'), where: `${source === '-' ? 'stdin' : source}:${n}` };
      }
    } catch (cause) {
      throw new MatterlogError('invalid_input', `cannot read ${source}: ${(cause as Error).message}`, { cause });
    }
  }
}

export function appendCommand(setExit: (code: number) => void): Command {
  return new Command('append')
    .summary('append entries to a log (operator)')
    .description(
      'Appends each FILE (or standard input, "-") as one entry and prints each entry\'s index,\n' +
        'one per line, in input order. With --lines, every line of the input is one entry (the\n' +
        'line ending is not part of it; empty lines are skipped). Entries already in the log get\n' +
        'the index they already have. When the log pushes back (503), waits as told and retries.',
    )
    .argument('[files...]', 'files to append; "-" or nothing reads standard input')
    .option('--url <url>', 'the log server (env MATTERLOG_URL)', envString(process.env, 'URL') ?? DEFAULT_URL)
    .option(
      '--token <token>',
      'operator token from "matterlog init" (env MATTERLOG_TOKEN)',
      envString(process.env, 'TOKEN'),
    )
    .option('--lines', 'one entry per input line')
    .option('--batch <n>', 'entries per request with --lines', intArg(1, 10_000), 1000)
    .option('--json', 'print the results as a JSON array')
    .action(async (files: string[], opts: AppendOptions) => {
      setExit(
        await runAction(async () => {
          if (!opts.token) {
            throw new MatterlogError(
              'config',
              'no operator token: pass --token or set MATTERLOG_TOKEN (printed by "matterlog init")',
            );
          }
          const sources = files.length > 0 ? files : ['-'];
          if (sources.includes('-') && process.stdin.isTTY) info('reading from standard input (end with Ctrl-D)…');
          const headers = { Authorization: `Bearer ${opts.token}` };
          const url = joinUrl(opts.url, '/append');
          const results: AppendResult[] = [];
          const emit = (r: AppendResult) => {
            results.push(r);
            if (!opts.json) process.stdout.write(`${r.index}\n`);
          };
          if (!opts.lines) {
            for (const source of sources) {
              const entry = readAll(source);
              if (entry.length > MAX_ENTRY_SIZE) {
                throw new MatterlogError(
                  'entry_too_large',
                  `${source} is ${entry.length} bytes; a log entry holds at most ${MAX_ENTRY_SIZE}`,
                );
              }
              const res = await request(url, {
                method: 'POST',
                headers: { ...headers, 'Content-Type': 'application/octet-stream' },
                body: entry,
              });
              emit((await res.json()) as AppendResult);
            }
          } else {
            const totalBytes = sources.every((s) => s !== '-') ? sources.reduce((n, s) => n + statSync(s).size, 0) : 0;
            const bar = progress('appending', totalBytes, totalBytes > 1_000_000 && !opts.json);
            let batch: Buffer[] = [];
            let skipped = 0;
            const send = async () => {
              if (batch.length === 0) return;
              const body = JSON.stringify({ entries: batch.map((b) => toBase64(b)) });
              bar.tick(batch.reduce((n, b) => n + b.length + 1, 0));
              batch = [];
              const res = await request(url, {
                method: 'POST',
                headers: { ...headers, 'Content-Type': 'application/json' },
                body,
              });
              for (const r of ((await res.json()) as { results: AppendResult[] }).results) emit(r);
            };
            for await (const { line, where } of linesOf(sources)) {
              if (line.length === 0) {
                skipped++;
                continue;
              }
              if (line.length > MAX_ENTRY_SIZE) {
                throw new MatterlogError(
                  'entry_too_large',
                  `line ${where} is ${line.length} bytes; a log entry holds at most ${MAX_ENTRY_SIZE}`,
                );
              }
              batch.push(line);
              if (batch.length >= opts.batch) await send();
            }
            await send();
            bar.stop();
            if (skipped > 0) info(`skipped ${skipped} empty line(s)`);
          }
          if (opts.json) printJson(results);
          return undefined;
        }),
      );
    });
}
