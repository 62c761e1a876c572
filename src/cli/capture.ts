import { Command } from 'commander';
import { eventHashId, validateEpcisDocument } from '../epcis/index.js';
import { MatterlogError } from '../ledger/errors.js';
import type { JsonValue } from '../statements/canonical-json.js';
import { signStatement } from '../statements/statement.js';
import { runAction } from './common.js';
import { printJson } from './output.js';
import { type RemoteOptions, readText, urlOption } from './remote.js';
import { readKey } from './sign.js';
import { postStatements } from './submit.js';

const MAX_EVENTS = 10_000;

export function captureCommand(setExit: (code: number) => void): Command {
  return urlOption(
    new Command('capture')
      .summary('sign the events of an EPCIS 2.0 document with your key and log them')
      .description(
        "Validates an EPCISDocument (JSON or JSON-LD) against the official GS1 EPCIS 2.0 schema, computes each event's CBV 2.0 event hash ID, signs each event as an epcis.event statement with your key (self-signed: the log shows you signed it, unlike events captured through the server's gateway with a token), and submits them in one all-or-nothing request. An invalid event rejects the whole document; every error is listed with its JSON pointer. Events already in the log (same hash ID) get their existing index.",
      )
      .argument('<document>', 'the EPCISDocument file; "-" reads standard input'),
  )
    .requiredOption('--key <file>', 'your private key (from "matterlog keygen"); its name is your actor name')
    .option('--json', 'print the results as JSON')
    .action(async (document: string, opts: RemoteOptions & { key: string; json?: boolean }) => {
      setExit(
        await runAction(async () => {
          const key = readKey(opts.key);
          let doc: unknown;
          try {
            doc = JSON.parse(readText(document));
          } catch (cause) {
            if (cause instanceof MatterlogError) throw cause;
            throw new MatterlogError('invalid_input', `${document} is not JSON: ${(cause as Error).message}`, {
              cause,
            });
          }
          const { events, context } = validateEpcisDocument(doc);
          if (events.length > MAX_EVENTS) {
            throw new MatterlogError(
              'invalid_input',
              `${events.length} events; capture at most ${MAX_EVENTS} per document`,
            );
          }
          const issued = new Date().toISOString();
          const notes = events.map((event, i) => {
            const body = {
              event: event as JsonValue,
              eventID: eventHashId(event, context),
              ...(context === undefined || context === null ? {} : { context: context as JsonValue }),
            };
            try {
              return signStatement({ v: 1, kind: 'epcis.event', issuer: key.signer.name, issued, body }, [key.signer]);
            } catch (e) {
              throw new MatterlogError(
                'invalid_input',
                `event ${i} (/epcisBody/eventList/${i}): ${(e as Error).message}`,
                {
                  cause: e,
                },
              );
            }
          });
          const results = await postStatements(opts.url, notes);
          if (opts.json) printJson(results);
          else {
            for (const r of results) {
              process.stdout.write(`${r.index}\t${r.eventID ?? ''}${r.duplicate ? '\t(already in the log)' : ''}\n`);
            }
          }
          return undefined;
        }),
      );
    });
}
