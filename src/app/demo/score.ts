/**
 * What the audit found against what was planted: a finding is a true positive
 * when a planted violation of the same rule has a subject whose every field
 * the finding's subject repeats. Each planted violation matches one finding.
 */
import type { AuditFinding } from '../audit-service.js';
import type { Planted } from './violations.js';

export interface RuleScore {
  rule: string;
  planted: number;
  found: number;
  truePositives: number;
  falsePositives: number;
  /** Null when nothing was found (nothing to be precise about). */
  precision: number | null;
  /** Null when nothing was planted. */
  recall: number | null;
}

export interface Score {
  rules: RuleScore[];
  missed: Planted[];
  unexpected: Pick<AuditFinding, 'rule' | 'subject' | 'message'>[];
  /** Every planted violation found and nothing else flagged. */
  perfect: boolean;
}

export const AUDIT_RULES = [
  'transformation-mass-gain',
  'impossible-yield',
  'mass-balance',
  'overdrawn-lot',
  'shipment-not-received',
  'unregistered-recipient',
  'non-recycling-recipient',
  'dated-before-registration',
  'dated-after-revocation',
  'recycled-content-claim',
  'non-recyclable-design',
  'design-regression',
  'rising-non-recyclable-share',
];

const matches = (p: Planted, f: AuditFinding) =>
  p.rule === f.rule && Object.entries(p.subject).every(([k, v]) => f.subject[k] === v);

export function score(truth: readonly Planted[], findings: readonly AuditFinding[]): Score {
  const taken = new Set<number>();
  const missed: Planted[] = [];
  for (const p of truth) {
    const i = findings.findIndex((f, j) => !taken.has(j) && matches(p, f));
    if (i < 0) missed.push(p);
    else taken.add(i);
  }
  const unexpected = findings.filter((_, j) => !taken.has(j));
  const rules = [...new Set([...AUDIT_RULES, ...truth.map((p) => p.rule), ...findings.map((f) => f.rule)])];
  const table = rules.map((rule): RuleScore => {
    const planted = truth.filter((p) => p.rule === rule).length;
    const found = findings.filter((f) => f.rule === rule).length;
    const falsePositives = unexpected.filter((f) => f.rule === rule).length;
    const truePositives = found - falsePositives;
    return {
      rule,
      planted,
      found,
      truePositives,
      falsePositives,
      precision: found === 0 ? null : truePositives / found,
      recall: planted === 0 ? null : truePositives / planted,
    };
  });
  return {
    rules: table,
    missed,
    unexpected: unexpected.map((f) => ({ rule: f.rule, subject: f.subject, message: f.message })),
    perfect: missed.length === 0 && unexpected.length === 0,
  };
}

/** The score as a plain-text table. */
export function scoreTable(s: Score): string {
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(0)}%`);
  const head = ['rule', 'planted', 'found', 'TP', 'FP', 'precision', 'recall'];
  const rows = s.rules.map((r) => [
    r.rule,
    String(r.planted),
    String(r.found),
    String(r.truePositives),
    String(r.falsePositives),
    pct(r.precision),
    pct(r.recall),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
