import { Command } from 'commander';
import { toBase64 } from '../ledger/bytes.js';
import { MAX_ENTRY_SIZE } from '../ledger/entry-bundle.js';
import { MatterlogError } from '../ledger/errors.js';
import { intArg, runAction } from './common.js';
import { joinUrl, request } from './http-client.js';
import { info, printJson, progress } from './output.js';
import { operatorOptions, operatorToken, readBytes, urlOption } from './remote.js';

interface AppendOptions {
  url: string;
  token?: string;
  tokenFile?: string;
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

/** Base64 bytes per JSON request, well under the server's default 16 MiB body limit. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Splits raw bytes on \n (dropping one \r before it), so entries are stored byte for byte. */
function splitLines(data: Buffer, where: string): { line: Buffer; where: string }[] {
  const out: { line: Buffer; where: string }[] = [];
  let start = 0;
  let n = 0;
  while (start < data.length) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    n++;
    let line = data.subarray(start, end);
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
    out.push({ line, where: `${where}:${n}` });
    start = end + 1;
  }
  return out;
}

export function appendCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('append')
    .summary('append entries to a log (operator)')
    .description(
      'Appends each FILE (or standard input, "-") as one entry and prints each entry\'s index, one per line, in input order. With --lines, every line is one entry, byte for byte without its line ending (\\n or \\r\\n); empty lines are skipped. All input is read and checked before anything is sent, so bad input appends nothing. Entries already in the log get the index they already have, so re-running after a failure is safe. When the log pushes back (503 with Retry-After), waits as told and retries.',
    )
    .argument('[files...]', 'files to append; "-" or nothing reads standard input');
  return operatorOptions(urlOption(cmd))
    .option('--lines', 'one entry per input line')
    .option('--batch <n>', 'most entries per request with --lines', intArg(1, 10_000), 1000)
    .option('--json', 'print the results as a JSON array')
    .action(async (files: string[], opts: AppendOptions) => {
      setExit(
        await runAction(async () => {
          const token = operatorToken(opts);
          const sources = files.length > 0 ? files : ['-'];
          if (sources.includes('-') && process.stdin.isTTY) info('reading from standard input (end with Ctrl-D)…');
          // Read and check everything first: bad input must not leave half an append behind.
          let entries: { line: Buffer; where: string }[] = [];
          for (const source of sources) {
            const where = source === '-' ? 'stdin' : source;
            const data = readBytes(source);
            entries.push(...(opts.lines ? splitLines(data, where) : [{ line: data, where }]));
          }
          const skipped = opts.lines ? entries.filter((e) => e.line.length === 0).length : 0;
          entries = entries.filter((e) => !opts.lines || e.line.length > 0);
          for (const e of entries) {
            if (e.line.length === 0)
              throw new MatterlogError('invalid_input', `${e.where} is empty: there is nothing to log`);
            if (e.line.length > MAX_ENTRY_SIZE) {
              throw new MatterlogError(
                'entry_too_large',
                `${e.where} is ${e.line.length} bytes; a log entry holds at most ${MAX_ENTRY_SIZE}`,
              );
            }
          }
          if (skipped > 0) info(`skipping ${skipped} empty line(s)`);

          const headers = { Authorization: `Bearer ${token}` };
          const url = joinUrl(opts.url, '/append');
          const results: AppendResult[] = [];
          const emit = (r: AppendResult) => {
            results.push(r);
            if (!opts.json) process.stdout.write(`${r.index}\n`);
          };
          const bar = progress('appending', entries.length, entries.length > 10_000 && !opts.json);
          if (!opts.lines) {
            for (const e of entries) {
              const res = await request(url, {
                method: 'POST',
                headers: { ...headers, 'Content-Type': 'application/octet-stream' },
                body: e.line,
              });
              emit((await res.json()) as AppendResult);
              bar.tick();
            }
          } else {
            for (let i = 0; i < entries.length; ) {
              const batch: string[] = [];
              let bytes = 0;
              while (i < entries.length && batch.length < opts.batch) {
                const b64 = toBase64((entries[i] as { line: Buffer }).line);
                if (batch.length > 0 && bytes + b64.length > MAX_REQUEST_BYTES) break;
                batch.push(b64);
                bytes += b64.length + 3;
                i++;
              }
              const body = JSON.stringify({ entries: batch });
              const res = await request(url, {
                method: 'POST',
                headers: { ...headers, 'Content-Type': 'application/json' },
                body,
              });
              for (const r of ((await res.json()) as { results: AppendResult[] }).results) emit(r);
              bar.tick(batch.length);
            }
          }
          bar.stop();
          if (opts.json) printJson(results);
          return undefined;
        }),
      );
    });
}
