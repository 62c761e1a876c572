import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { writeFileDurably } from '../app/files.js';
import { MatterlogError } from '../ledger/errors.js';
import { checkKeyName, ed25519NoteKey } from '../ledger/note.js';
import { runAction } from './common.js';
import { info, printJson } from './output.js';

export function keygenCommand(setExit: (code: number) => void): Command {
  return new Command('keygen')
    .summary("create an actor's signing key")
    .description(
      'Creates an Ed25519 signed-note key named after the actor (its name in the log, e.g. recycler.example/plant-7), writes the private key to --out (mode 0600; never overwritten) and prints the verifier key on standard output: give that to the log\'s operator for "matterlog actor add --vkey".',
    )
    .requiredOption('--name <actor>', 'the actor name the key signs as')
    .requiredOption('--out <file>', 'where to write the private key')
    .option('--json', 'print {"name", "vkey", "file"} as JSON')
    .action(async (opts: { name: string; out: string; json?: boolean }) => {
      setExit(
        await runAction(async () => {
          checkKeyName(opts.name);
          if (existsSync(opts.out)) {
            throw new MatterlogError(
              'conflict',
              `${opts.out} exists; keygen never overwrites a key: choose another --out`,
            );
          }
          const key = ed25519NoteKey(opts.name, randomBytes(32));
          writeFileDurably(opts.out, `${key.skey}\n`, 0o600);
          if (opts.json) printJson({ name: opts.name, vkey: key.vkey, file: opts.out });
          else {
            process.stdout.write(`${key.vkey}\n`);
            info(`private key written to ${opts.out} (keep it secret; it signs as "${opts.name}")`);
          }
          return undefined;
        }),
      );
    });
}
