/**
 * How plans, comparisons and verification reports read on a terminal.
 */
import type { Comparison } from '../app/optimize-service.js';
import type { PlanDocument, Totals } from '../optimize/plan.js';
import type { VerifyReport } from '../optimize/verify-plan.js';

const eur = (v: number) => `${v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 })} EUR`;
const t = (v: number) => `${v.toLocaleString('en-US', { maximumFractionDigits: 3 })} t`;
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function totalsLines(x: Totals): string[] {
  return [
    `  objective        ${eur(x.objective)}  (what the policy minimises)`,
    `  material value   ${eur(x.valueEur)}`,
    `  processing       ${eur(x.processingEur)}   transport ${eur(x.transportEur)}${x.fixedEur > 0 ? `   fixed ${eur(x.fixedEur)}` : ''}${x.truckEur > 0 ? `   trucks ${eur(x.truckEur)}` : ''}`,
    `  emissions        ${(x.kgCo2e / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} t CO2e`,
    `  recovered        ${t(x.recoveredTonnes)} of ${t(x.tonnes)} (${pct(x.recoveryRate)})`,
    `  by route family  ${Object.entries(x.shareByFamily)
      .map(([f, s]) => `${f} ${pct(s as number)}`)
      .join(', ')}`,
  ];
}

export function planTable(plan: PlanDocument, report: VerifyReport, digest?: string, solveMs?: number): string {
  const r = plan.result;
  const byOption = new Map<string, number>();
  for (const a of r.assignments) byOption.set(a.option, (byOption.get(a.option) ?? 0) + a.tonnes);
  const lines = [
    `Plan for ${plan.lots.length} lots (${t(r.totals.tonnes)}) under policy "${plan.policy.id}" version ${plan.policy.version}${plan.policyIndex !== null ? ` (log index ${plan.policyIndex})` : ' (not in the log)'}, ${plan.kind.toUpperCase()}, solved by ${plan.solver.name}${solveMs !== undefined ? ` in ${solveMs.toFixed(0)} ms` : ''}${digest ? `\n  document sha256 ${digest}` : ''}`,
    '',
    'Where the lots go:',
    ...[...byOption].map(
      ([o, tonnes]) => `  ${o.padEnd(32)} ${t(tonnes).padStart(14)}  ${pct(tonnes / r.totals.tonnes).padStart(8)}`,
    ),
    '',
    'Totals:',
    ...totalsLines(r.totals),
  ];
  if (r.binding.length > 0)
    lines.push('', 'Binding constraints (shadow prices):', ...r.binding.map((b) => `  ${b.row}: ${b.meaning}`));
  lines.push('', verifyText(report));
  return lines.join('\n');
}

export function verifyText(report: VerifyReport): string {
  const lines = [report.ok ? 'VERIFIED. Proved:' : 'NOT VERIFIED. Proved:'];
  lines.push(...(report.proved.length > 0 ? report.proved.map((s) => `  - ${s}`) : ['  (nothing)']));
  if (report.notProved.length > 0) lines.push('Not proved:', ...report.notProved.map((s) => `  - ${s}`));
  if (report.limits.length > 0)
    lines.push('Not claimed (a MIP certificate never proves it):', ...report.limits.map((s) => `  - ${s}`));
  return lines.join('\n');
}

export function comparisonTable(rows: Comparison[]): string {
  const head = ['policy', 'objective', 'value', 'cost', 't CO2e', 'recovery', 'families'];
  const lines = [head.join(' | ')];
  for (const c of rows) {
    const name = `${c.policy.id}@${c.policy.version}`;
    if (!c.totals) {
      lines.push(`${name} | cannot be met: ${c.error}`);
      continue;
    }
    const x = c.totals;
    lines.push(
      [
        name,
        eur(x.objective),
        eur(x.valueEur),
        eur(x.processingEur + x.transportEur + x.fixedEur + x.truckEur),
        (x.kgCo2e / 1000).toFixed(3),
        pct(x.recoveryRate),
        Object.entries(x.shareByFamily)
          .map(([f, s]) => `${f} ${pct(s as number)}`)
          .join(', '),
      ].join(' | '),
    );
  }
  return lines.join('\n');
}
