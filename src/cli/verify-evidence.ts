import { Command } from 'commander';
import { envString } from '../app/env.js';
import { verifyEvidence } from '../audit/evidence.js';
import { MatterlogError } from '../ledger/errors.js';
import { runAction } from './common.js';
import { EXIT } from './exit-codes.js';
import { printJson } from './output.js';
import { readText } from './remote.js';

export function verifyEvidenceCommand(setExit: (code: number) => void): Command {
  return new Command('verify-evidence')
    .summary('check an evidence bundle offline: checkpoint, inclusion proofs, signatures')
    .description(
      "Checks, without contacting anyone, an evidence bundle (GET /evidence?index=…): the checkpoint's signature against the log key you trust (--vkey), every statement's inclusion proof against that checkpoint, and every statement's signatures against the actor registry replayed from the operator's key in log order, and, for an audit finding's bundle, redoes the finding's arithmetic from those statements alone. Says in words what was and was not proved. Exit 0 when everything holds, 3 when not.",
    )
    .argument('<bundle>', 'the bundle (JSON); "-" reads standard input')
    .option(
      '--vkey <vkey>',
      "the log's verifier key, name+hash+key (env MATTERLOG_VKEY)",
      envString(process.env, 'VKEY'),
    )
    .option('--operator-vkey <vkey>', "the operator key you trust (GET / of the log shows it); default: the bundle's")
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { vkey?: string; operatorVkey?: string; json?: boolean }) => {
      setExit(
        await runAction(async () => {
          if (!opts.vkey)
            throw new MatterlogError('config', "pass the log's verifier key with --vkey (or MATTERLOG_VKEY)");
          let bundle: unknown;
          try {
            bundle = JSON.parse(readText(file));
          } catch (cause) {
            if (cause instanceof MatterlogError) throw cause;
            throw new MatterlogError('invalid_input', `${file} is not JSON: ${(cause as Error).message}`, { cause });
          }
          const report = verifyEvidence(bundle, {
            logVkey: opts.vkey,
            ...(opts.operatorVkey ? { operatorVkey: opts.operatorVkey } : {}),
          });
          if (opts.json) printJson(report);
          else {
            const lines = [
              report.ok ? 'VERIFIED. Proved:' : 'NOT VERIFIED. Proved:',
              ...report.proved.map((s) => `  - ${s}`),
            ];
            if (report.notProved.length > 0) lines.push('Not proved:', ...report.notProved.map((s) => `  - ${s}`));
            if (report.limits.length > 0)
              lines.push('Not provable from a bundle:', ...report.limits.map((s) => `  - ${s}`));
            process.stdout.write(`${lines.join('\n')}\n`);
          }
          return report.ok ? EXIT.ok : EXIT.verification;
        }),
      );
    });
}
