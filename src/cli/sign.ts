import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { writeFileDurably } from '../app/files.js';
import { MatterlogError } from '../ledger/errors.js';
import { type Ed25519NoteKey, parseSignerKey } from '../ledger/note.js';
import type { JsonValue } from '../statements/canonical-json.js';
import { addSignatures, type Statement, signStatement } from '../statements/statement.js';
import { runAction } from './common.js';
import { readText } from './remote.js';

export function readKey(file: string): Ed25519NoteKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MatterlogError('config', `cannot read the key ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseSignerKey(text);
}

/** A statement from JSON where v, issuer and issued may be left out (filled from the key and the clock). */
export function completeStatement(value: unknown, key: Ed25519NoteKey, issued?: string): Statement {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MatterlogError('invalid_input', 'the statement file must hold a JSON object {"kind", "body", …}');
  }
  const s = value as Record<string, unknown>;
  return {
    v: 1,
    issuer: key.signer.name,
    issued: issued ?? new Date().toISOString(),
    ...s,
  } as unknown as Statement<JsonValue>;
}

export function signCommand(setExit: (code: number) => void): Command {
  return new Command('sign')
    .summary('sign a statement (or add your signature to a joint one)')
    .description(
      'Reads a statement as JSON ({"kind", "body"} at least; "issuer" defaults to the key\'s name, "issued" to now, "v" to 1) and prints it as a signed note: one line of RFC 8785 canonical JSON, a blank line, the signature. A joint statement names its issuers as an array; each issuer then signs in turn, the second and later with --cosign on the note the previous one produced. Submit the result with "matterlog submit".',
    )
    .argument('<file>', 'the statement JSON (or, with --cosign, the signed note); "-" reads standard input')
    .requiredOption('--key <file>', 'your private key (from "matterlog keygen")')
    .option('--cosign', 'add your signature to an already signed note')
    .option('--issued <time>', 'RFC 3339 UTC issue time (default: now)')
    .option('--out <file>', 'write the note here instead of standard output')
    .action(async (file: string, opts: { key: string; cosign?: boolean; issued?: string; out?: string }) => {
      setExit(
        await runAction(async () => {
          const key = readKey(opts.key);
          const input = readText(file);
          let note: string;
          if (opts.cosign) note = addSignatures(input, [key.signer]);
          else {
            let value: unknown;
            try {
              value = JSON.parse(input);
            } catch (cause) {
              throw new MatterlogError('invalid_input', `${file} is not JSON: ${(cause as Error).message}`, { cause });
            }
            note = signStatement(completeStatement(value, key, opts.issued), [key.signer]);
          }
          if (opts.out) writeFileDurably(opts.out, note, 0o644);
          else process.stdout.write(note);
          return undefined;
        }),
      );
    });
}
