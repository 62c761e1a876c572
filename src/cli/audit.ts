import { Command } from 'commander';
import type { AuditReport } from '../app/audit-service.js';
import { runAction } from './common.js';
import { EXIT } from './exit-codes.js';
import { getText, joinUrl } from './http-client.js';
import { printJson } from './output.js';
import { urlOption } from './remote.js';

interface Opts {
  url: string;
  facility?: string;
  material?: string;
  rule?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export function auditCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('audit')
    .summary('run every audit rule over a log and list the findings')
    .description(
      "Asks the log server at --url to run the audit: mass balance per facility × material between stock-takings, yields no route of the transformation's kind reaches, lots drawn beyond what a facility held, shipments not received or declared for recycling to a place that does not recycle, events dated before their signer's registration or after its key's revocation, and the design flags of the assessment. Each finding shows its rule, numbers and the log indices they come from; GET /audit/findings/<id>/evidence gives its evidence bundle for \"matterlog verify-evidence\". Exit 0 with no findings, 1 with some.",
    )
    .option('--facility <id>', 'only findings about this facility')
    .option('--material <id>', 'only findings about this material')
    .option('--rule <rule>', 'only this rule')
    .option('--from <time>', 'only findings from this time (ISO 8601 with offset)')
    .option('--to <time>', 'only findings before this time')
    .option('--json', 'print the report as JSON')
    .action(async (opts: Opts) => {
      setExit(
        await runAction(async () => {
          const q = new URLSearchParams();
          for (const k of ['facility', 'material', 'rule', 'from', 'to'] as const)
            if (opts[k]) q.set(k, opts[k] as string);
          const report = JSON.parse(
            await getText(joinUrl(opts.url, `audit${q.size > 0 ? `?${q}` : ''}`)),
          ) as AuditReport;
          if (opts.json) printJson(report);
          else {
            const lines = [`${report.events} events audited, ${report.findings.length} findings`];
            for (const f of report.findings) {
              lines.push(
                `  [${f.severity}] ${f.rule} ${f.id}: ${f.message} (statements ${f.statements.slice(0, 8).join(', ')}${f.statements.length > 8 ? ', …' : ''})`,
              );
            }
            if (report.notBalanced.length > 0) {
              lines.push(`  not balanced (fewer than two stock-takings): ${report.notBalanced.join(', ')}`);
            }
            process.stdout.write(`${lines.join('\n')}\n`);
          }
          return report.findings.length === 0 ? EXIT.ok : EXIT.failure;
        }),
      );
    });
  return urlOption(cmd);
}
