import { Command } from 'commander';
import { envString } from '../app/env.js';
import { initLog } from '../app/log-service.js';
import { databaseOptions, dirOption, runAction } from './common.js';
import { info, printJson } from './output.js';

interface InitOptions {
  dir: string;
  origin?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  json?: boolean;
}

export function initCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('init')
    .summary('create a new log: data directory, signing key, store')
    .description(
      "Creates a new, empty log: the data directory (owner-only), the log's Ed25519 signing key,\n" +
        'the store (SQLite in the directory unless --database-url is given) and the signed\n' +
        'checkpoint of the empty tree. Prints the verifier key clients check checkpoints with\n' +
        'and the operator token that authorises appends (shown once: keep it).',
    )
    .option(
      '--origin <name>',
      "the log's origin line and key name, e.g. log.example.org/recycling (env MATTERLOG_ORIGIN)",
      envString(process.env, 'ORIGIN'),
    )
    .option('--json', 'print {"origin","vkey","token"} as JSON');
  dirOption(cmd);
  databaseOptions(cmd);
  return cmd.action(async (opts: InitOptions) => {
    setExit(
      await runAction(async () => {
        const r = await initLog(opts.dir, opts);
        if (opts.json) {
          printJson({ origin: r.origin, vkey: r.vkey, token: r.token });
          return;
        }
        info(`Created the log "${r.origin}" in ${opts.dir} (store: ${r.database}).`);
        info('Verifier key (publish it: clients check checkpoints with it):');
        process.stdout.write(`${r.vkey}\n`);
        info('Operator token (shown once; "matterlog append" needs it):');
        process.stdout.write(`${r.token}\n`);
        return undefined;
      }),
    );
  });
}
