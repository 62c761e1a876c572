import { Command } from 'commander';
import { type AuditFilter, type AuditReport, runAudit } from '../app/audit-service.js';
import { openLog } from '../app/log-service.js';
import { MatterlogError } from '../ledger/errors.js';
import { parseTime } from '../server/epcis-query-params.js';
import { databaseOptions, runAction } from './common.js';
import { EXIT } from './exit-codes.js';
import { getText, joinUrl } from './http-client.js';
import { printJson, progress } from './output.js';
import { urlOption } from './remote.js';

interface Opts {
  url: string;
  dir?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  facility?: string;
  material?: string;
  rule?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

const FILTERS = ['facility', 'material', 'rule', 'from', 'to'] as const;

/** A time option, read as the server reads its query parameter, with the error naming the option. */
function timeOption(name: 'from' | 'to', value: string): number {
  try {
    return parseTime(name, value);
  } catch (cause) {
    throw new MatterlogError(
      'invalid_input',
      `--${name} must be an ISO 8601 date-time with an offset, e.g. 2045-03-01T10:00:00Z (got ${value})`,
      { cause },
    );
  }
}

/** The audit of the log in a data directory, in this process, with a progress bar while it reads the log. */
async function localAudit(opts: Opts & { dir: string }): Promise<AuditReport> {
  const log = await openLog({
    dir: opts.dir,
    databaseUrl: opts.databaseUrl,
    databaseSchema: opts.databaseSchema,
    sequence: false,
  });
  const bar = progress('auditing', 0, !opts.json);
  try {
    const filter: AuditFilter = {
      ...(opts.facility !== undefined ? { facility: opts.facility } : {}),
      ...(opts.material !== undefined ? { material: opts.material } : {}),
      ...(opts.rule !== undefined ? { rule: opts.rule } : {}),
      ...(opts.from !== undefined ? { fromMs: timeOption('from', opts.from) } : {}),
      ...(opts.to !== undefined ? { toMs: timeOption('to', opts.to) } : {}),
    };
    return await runAudit(log, filter, (done, total) => {
      bar.total(total);
      bar.update(done);
    });
  } finally {
    bar.stop();
    await log.close();
  }
}

export function auditCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('audit')
    .summary('run every audit rule over a log and list the findings')
    .description(
      'Runs the audit: mass balance per facility × material between stock-takings, yields no route of the transformation\'s kind reaches, lots drawn beyond what a facility held, shipments not received or declared for recycling to a place that does not recycle, events dated before their signer\'s registration or after its key\'s revocation, recycled-content claims above the recovered material received, and the design flags of the assessment. With --dir it audits the log in that data directory in this process (a progress bar shows the reading of the log); otherwise it asks the server at --url. Each finding shows its rule, numbers and the log indices they come from; GET /audit/findings/<id>/evidence gives its evidence bundle for "matterlog verify-evidence", and "matterlog publish-finding <id>" publishes it. Exit 0 with no findings, 1 with some.',
    )
    .option('--dir <path>', 'audit the log in this data directory here, instead of asking a server')
    .option('--facility <id>', 'only findings about this facility')
    .option('--material <id>', 'only findings about this material')
    .option('--rule <rule>', 'only this rule')
    .option('--from <time>', 'only findings from this time (ISO 8601 with offset)')
    .option('--to <time>', 'only findings before this time')
    .option('--json', 'print the report as JSON')
    .action(async (opts: Opts) => {
      setExit(
        await runAction(async () => {
          let report: AuditReport;
          if (opts.dir !== undefined) report = await localAudit({ ...opts, dir: opts.dir });
          else {
            const q = new URLSearchParams();
            for (const k of FILTERS) if (opts[k]) q.set(k, opts[k] as string);
            report = JSON.parse(await getText(joinUrl(opts.url, `audit${q.size > 0 ? `?${q}` : ''}`))) as AuditReport;
          }
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
  return databaseOptions(urlOption(cmd));
}
