import { Command } from 'commander';
import type { SubmitResult } from '../app/statement-service.js';
import { MatterlogError } from '../ledger/errors.js';
import { parseStatement } from '../statements/statement.js';
import { runAction } from './common.js';
import { joinUrl, request } from './http-client.js';
import { printJson } from './output.js';
import { type RemoteOptions, readText, urlOption } from './remote.js';

const MAX_PER_REQUEST = 10_000;

/** Posts notes as one all-or-nothing request. */
export async function postStatements(url: string, notes: string[]): Promise<SubmitResult[]> {
  const res = await request(joinUrl(url, '/statements'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ statements: notes }),
  });
  return ((await res.json()) as { results: SubmitResult[] }).results;
}

export function submitCommand(setExit: (code: number) => void): Command {
  return urlOption(
    new Command('submit')
      .summary('submit signed statements to a log')
      .description(
        'Sends each FILE (one signed statement each, as "matterlog sign" writes it) in one request: the server checks them all and logs all or none. Prints each statement\'s log index in order; a statement already in the log gets its existing index. Exit code 6 when the server refuses a signer (unregistered, revoked or wrong role), 2 for a malformed statement; every refused statement is listed with its reason.',
      )
      .argument('<files...>', 'signed statement files; "-" reads one from standard input'),
  )
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], opts: RemoteOptions & { json?: boolean }) => {
      setExit(
        await runAction(async () => {
          if (files.length > MAX_PER_REQUEST) {
            throw new MatterlogError(
              'invalid_input',
              `${files.length} statements; submit at most ${MAX_PER_REQUEST} at a time`,
            );
          }
          const notes = files.map((f) => {
            const note = readText(f);
            try {
              parseStatement(note);
            } catch (e) {
              throw new MatterlogError((e as MatterlogError).code ?? 'invalid_input', `${f}: ${(e as Error).message}`, {
                cause: e,
              });
            }
            return note;
          });
          const results = await postStatements(opts.url, notes);
          if (opts.json) printJson(results);
          else
            for (const r of results) process.stdout.write(`${r.index}${r.duplicate ? ' (already in the log)' : ''}\n`);
          return undefined;
        }),
      );
    });
}
