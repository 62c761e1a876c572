import { Command } from 'commander';
import { PERIODS, type Portfolio } from '../app/product-service.js';
import { MatterlogError } from '../ledger/errors.js';
import { runAction } from './common.js';
import { getText, joinUrl } from './http-client.js';
import { printJson } from './output.js';
import { urlOption } from './remote.js';

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const kg = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });

function table(p: Portfolio): string {
  const g = p.products.byGrade;
  const lines = [
    `${p.producer}: ${p.products.total} products (latest versions: A ${g.A}, B ${g.B}, C ${g.C}, non-recyclable ${g['non-recyclable']})`,
    '',
    `Placed on the market, kg by grade (per ${p.period}):`,
    `  ${'period'.padEnd(9)} ${'units'.padStart(12)} ${'A'.padStart(12)} ${'B'.padStart(12)} ${'C'.padStart(12)} ${'non-recycl.'.padStart(12)} ${'share n-r'.padStart(10)} ${'unassessed'.padStart(11)}`,
    ...p.periods.map(
      (x) =>
        `  ${x.period.padEnd(9)} ${kg(x.units).padStart(12)} ${kg(x.byGrade.A).padStart(12)} ${kg(x.byGrade.B).padStart(12)} ${kg(x.byGrade.C).padStart(12)} ${kg(x.byGrade['non-recyclable']).padStart(12)} ${pct(x.nonRecyclableShare).padStart(10)} ${kg(x.unassessedUnits).padStart(11)}`,
    ),
  ];
  if (p.periods.length === 0) lines.push('  (no commissioning events recorded)');
  if (p.products.lowRecyclability.length > 0) {
    lines.push('', `Below grade C (${p.products.lowRecyclabilityCount}):`);
    for (const x of p.products.lowRecyclability.slice(0, 10))
      lines.push(`  ${x.product} ${x.version.padEnd(12)} ${pct(x.share)}`);
  }
  if (p.flags.length > 0) lines.push('', 'FLAGS:', ...p.flags.map((f) => `  ${f.kind}: ${f.message}`));
  return lines.join('\n');
}

export function portfolioCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('portfolio')
    .summary("a producer's portfolio: products by grade, mass placed on the market by grade and period, flags")
    .description(
      "Asks the log server at --url for a producer's portfolio: its products by the PPWR grade of their latest passport version, the units and mass it placed on the market (EPCIS commissioning events) by grade and period, and the flags raised (a rising share of non-recyclable mass, versions less recyclable than the ones they replaced, products no route recovers above 70%).",
    )
    .argument('<producer>', 'the producer actor name')
    .option('--period <p>', `${PERIODS.join(', ')}`, 'year')
    .option('--from <time>', 'event time from (ISO 8601 with offset)')
    .option('--to <time>', 'event time to, exclusive')
    .option('--json', 'print the portfolio as JSON')
    .action(
      async (producer: string, opts: { period: string; from?: string; to?: string; json?: boolean; url: string }) => {
        setExit(
          await runAction(async () => {
            if (!(PERIODS as readonly string[]).includes(opts.period)) {
              throw new MatterlogError('invalid_input', `--period must be one of ${PERIODS.join(', ')}`);
            }
            const q = new URLSearchParams({ period: opts.period });
            if (opts.from) q.set('from', opts.from);
            if (opts.to) q.set('to', opts.to);
            const p = JSON.parse(
              await getText(joinUrl(opts.url, `producers/${encodeURIComponent(producer)}/portfolio?${q}`)),
            ) as Portfolio;
            if (opts.json) printJson(p);
            else process.stdout.write(`${table(p)}\n`);
            return undefined;
          }),
        );
      },
    );
  return urlOption(cmd);
}
