/**
 * The plan document: the published inputs it was solved from (policy, lots,
 * route options), the certificate (every column's value and every row's dual,
 * in the model's order), and what follows from them: where each lot goes and
 * why, the totals, and the binding constraints with their shadow prices. It is
 * stored by its SHA-256 outside the log; a `plan` statement carries the digest.
 * Everything under `result` is derived from the rest, and the verifier
 * recomputes it rather than trusting it.
 */
import type { RouteFamily } from '../assess/routes.js';
import type { CertificateCheck, Tolerances } from './certificate.js';
import type { LinearProgram } from './lp.js';
import { type RoutingModel, type RowInfo, refusalReason, toleranceFor } from './model.js';
import { type Lot, type RouteOption, throughOption } from './network.js';
import type { PolicyBody } from './policy.js';

export const PLAN_FORMAT = 'matterlog-plan/1';

export interface Assignment {
  lot: string;
  option: string;
  tonnes: number;
}

export interface Totals {
  /** c·x: what the policy minimises, EUR. */
  objective: number;
  valueEur: number;
  processingEur: number;
  transportEur: number;
  fixedEur: number;
  truckEur: number;
  kgCo2e: number;
  tonnes: number;
  recoveredTonnes: number;
  recoveryRate: number;
  /** Share of the lots' mass per route family. */
  shareByFamily: Partial<Record<RouteFamily, number>>;
  recoveredByMaterial: Record<string, number>;
}

export interface Binding {
  row: string;
  kind: RowInfo['kind'];
  ref: string;
  /** The row's dual: EUR per tonne of the row's bound. */
  dual: number;
  /** What relaxing the constraint by one unit is worth, in words. */
  meaning: string;
}

export interface LotWhy {
  lot: string;
  /** Where it goes. */
  to: Assignment[];
  /** The other options it could take, cheapest first (at most 3): what forcing a tonne there would cost. */
  alternatives: { option: string; eurPerTonne: number }[];
  /** Options that cannot take it, and why. */
  refused: { option: string; reason: string }[];
}

export interface PlanResult {
  assignments: Assignment[];
  totals: Totals;
  binding: Binding[];
  lots: LotWhy[];
}

export interface PlanDocument {
  format: typeof PLAN_FORMAT;
  policy: PolicyBody;
  /** The log index of the policy statement, when it was solved under a logged policy. */
  policyIndex: number | null;
  lots: Lot[];
  options: RouteOption[];
  kind: 'lp' | 'mip';
  /** Which solver found it (timings are not part of the document: the same input gives the same bytes). */
  solver: { name: string; status: string };
  certificate: {
    /** Every column's value, in the model's column order. */
    x: number[];
    /** LP: the row duals. MIP: the duals of the LP with the integer columns fixed at their values. */
    y: number[];
    /** MIP: the duals of the LP relaxation, whose bound g(y) limits how much better any plan could be. */
    relaxationY?: number[];
    tolerances: Tolerances;
  };
  result: PlanResult;
}

const EPS = 1e-9;

function meaning(row: RowInfo, dual: number, totalTonnes: number): string {
  const eur = (v: number) => `${v.toFixed(2)} EUR`;
  switch (row.kind) {
    case 'capacity':
      return `one more tonne of capacity at ${row.ref} would lower the objective by ${eur(-dual)}`;
    case 'min-recovery':
      return `one point less of the recovery floor would lower the objective by ${eur(dual * 0.01 * totalTonnes)}`;
    case 'max-landfill':
    case 'max-energy-recovery':
      return `one point more allowed to ${row.ref} would lower the objective by ${eur(-dual * 0.01 * totalTonnes)}`;
    case 'family-min':
      return `one point less of the minimum share for ${row.ref} would lower the objective by ${eur(dual * 0.01 * totalTonnes)}`;
    case 'family-max':
      return `one point more of the maximum share for ${row.ref} would lower the objective by ${eur(-dual * 0.01 * totalTonnes)}`;
    case 'lot':
      return `one more tonne in lot ${row.ref} would change the objective by ${eur(dual)}`;
    default:
      return `the ${row.kind} constraint for ${row.ref} binds (dual ${dual})`;
  }
}

/** The plan's derived part, from the model, x and the checked reduced costs. */
export function planResult(
  model: RoutingModel,
  lots: readonly Lot[],
  options: readonly RouteOption[],
  policy: PolicyBody,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  check: CertificateCheck,
): PlanResult {
  const lp: LinearProgram = model.lp;
  const assignments: Assignment[] = [];
  const perLot: LotWhy[] = lots.map((l, i) => ({
    lot: l.id,
    to: [],
    alternatives: [],
    refused: model.refusals(i).map((r) => ({
      option: (options[r.option] as RouteOption).id,
      reason: refusalReason(r),
    })),
  }));
  const t = model.terms;
  const totals: Totals = {
    objective: check.objective,
    valueEur: 0,
    processingEur: 0,
    transportEur: 0,
    fixedEur: 0,
    truckEur: 0,
    kgCo2e: 0,
    tonnes: model.totalTonnes,
    recoveredTonnes: 0,
    recoveryRate: 0,
    shareByFamily: {},
    recoveredByMaterial: {},
  };
  const alternatives: { option: string; eurPerTonne: number }[][] = lots.map(() => []);
  for (let j = 0; j < lp.numCols; j++) {
    const c = model.column(j);
    const v = x[j] as number;
    if (!c) continue;
    if (c.kind !== 'flow') {
      if (v > EPS) {
        if (c.kind === 'open') totals.fixedEur += (lp.colCost[j] as number) * v;
        else totals.truckEur += (lp.colCost[j] as number) * v;
      }
      continue;
    }
    const option = options[c.option] as RouteOption;
    const lot = lots[c.lot] as Lot;
    if (v > EPS) {
      const a = { lot: lot.id, option: option.id, tonnes: v };
      assignments.push(a);
      (perLot[c.lot] as LotWhy).to.push(a);
      totals.valueEur += v * (t.valueEur[j] as number);
      totals.processingEur += v * (t.processingEur[j] as number);
      totals.transportEur += v * (t.transportEur[j] as number);
      totals.kgCo2e += v * (t.kgCo2e[j] as number);
      totals.recoveredTonnes += v * (t.recovered[j] as number);
      const fam = option.route.family;
      totals.shareByFamily[fam] = (totals.shareByFamily[fam] ?? 0) + v / model.totalTonnes;
      const tol = toleranceFor(policy, fam);
      for (const [m, perTonne] of Object.entries(throughOption(lot, option, tol).recoveredByMaterial)) {
        totals.recoveredByMaterial[m] = (totals.recoveredByMaterial[m] ?? 0) + v * perTonne;
      }
    } else {
      (alternatives[c.lot] as { option: string; eurPerTonne: number }[]).push({
        option: option.id,
        eurPerTonne: check.reducedCosts[j] as number,
      });
    }
  }
  perLot.forEach((w, i) => {
    w.alternatives = (alternatives[i] as { option: string; eurPerTonne: number }[])
      .sort((a, b) => a.eurPerTonne - b.eurPerTonne || (a.option < b.option ? -1 : 1))
      .slice(0, 3);
  });
  totals.recoveryRate = totals.recoveredTonnes / model.totalTonnes;
  const binding: Binding[] = [];
  model.rows.forEach((row, i) => {
    const d = y[i] as number;
    if (row.kind === 'lot' || Math.abs(d) <= 1e-9) return;
    binding.push({
      row: lp.rowNames[i] as string,
      kind: row.kind,
      ref: row.ref,
      dual: d,
      meaning: meaning(row, d, model.totalTonnes),
    });
  });
  return { assignments, totals, binding, lots: perLot };
}
