import { Command } from 'commander';
import { MatterlogError } from '../ledger/errors.js';
import { verifyPlan } from '../optimize/verify-plan.js';
import { runAction } from './common.js';
import { EXIT } from './exit-codes.js';
import { printJson } from './output.js';
import { verifyText } from './plan-output.js';
import { readText } from './remote.js';

export function verifyPlanCommand(setExit: (code: number) => void): Command {
  return new Command('verify-plan')
    .summary("check a routing plan's optimality certificate, offline, and say what it proves")
    .description(
      "Rebuilds the model from the plan's published inputs (policy, lots, route options), checks the certificate against it without a solver (primal feasibility, dual feasibility, and a zero duality gap with exact sums; for a MIP also the LP relaxation's bound), recomputes every total and shadow price the plan states, and says in words what was and was not proved. Exit 0 when everything the plan claims is proved, 3 when not.",
    )
    .argument('<plan>', 'a plan document (JSON, as "matterlog optimize --out" writes it); "-" reads standard input')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      setExit(
        await runAction(async () => {
          let doc: unknown;
          try {
            doc = JSON.parse(readText(file));
          } catch (cause) {
            if (cause instanceof MatterlogError) throw cause;
            throw new MatterlogError('invalid_input', `${file} is not JSON: ${(cause as Error).message}`, { cause });
          }
          const report = verifyPlan(doc);
          if (opts.json) printJson(report);
          else process.stdout.write(`${verifyText(report)}\n`);
          return report.ok ? EXIT.ok : EXIT.verification;
        }),
      );
    });
}
