/**
 * The routing model, built by pure code from three published inputs: the
 * lots, the route options and the policy. Anyone who has those three rebuilds
 * exactly this model (same columns, rows and coefficients, in the same order),
 * which is what lets a certificate be checked against the published policy and
 * nothing else.
 *
 * Columns: x[i,r], tonnes of lot i through option r, for every pair the option
 * accepts (bounded by the lot's mass and the option's capacity). For a MIP, an
 * `open[r]` binary per option with a fixed cost or a minimum batch, and a
 * `trucks[r]` integer per option when deliveries go by whole truckloads.
 *
 * Rows: one per lot (all of it goes somewhere: Σr x[i,r] = mass), the
 * capacities, and the policy's coupling rows (recovery floor, landfill and
 * energy-recovery ceilings, family shares), then the MIP's linking rows.
 *
 * Objective (minimised, EUR): for each tonne, costWeight × (processing +
 * transport) + CO2e price × emissions − valueWeight × value of the material
 * recovered; plus fixed and truck costs.
 */

import type { RouteFamily } from '../assess/routes.js';
import { MatterlogError } from '../ledger/errors.js';
import type { LinearProgram } from './lp.js';
import {
  Growable,
  type MaterialThrough,
  materialThrough,
  own,
  priceOf,
  type Refusal,
  refusalReason,
  toleranceFor,
} from './model-parts.js';
import { distanceKm, type Lot, type RouteOption } from './network.js';
import { DEFAULT_TRANSPORT_EUR_PER_TKM, type PolicyBody } from './policy.js';

export type RowKind =
  | 'lot'
  | 'capacity'
  | 'min-recovery'
  | 'max-landfill'
  | 'max-energy-recovery'
  | 'family-min'
  | 'family-max'
  | 'open-link'
  | 'min-batch'
  | 'truckload';

export interface RowInfo {
  kind: RowKind;
  /** The lot, option or family the row is about. */
  ref: string;
}

export type ColumnInfo =
  | { kind: 'flow'; lot: number; option: number }
  | { kind: 'open'; option: number }
  | { kind: 'trucks'; option: number };

/** Per flow column, what the objective is made of (EUR or kg per tonne). */
export interface FlowTerms {
  processingEur: Float64Array;
  transportEur: Float64Array;
  valueEur: Float64Array;
  kgCo2e: Float64Array;
  recovered: Float64Array;
}

export interface RoutingModel {
  lp: LinearProgram;
  rows: RowInfo[];
  /** What column j is (flows first, then the MIP's integer columns). */
  column(j: number): ColumnInfo;
  /** Indexed by flow column (flow columns come first, 0 … flowCount − 1). */
  terms: FlowTerms;
  flowCount: number;
  totalTonnes: number;
  /** Lot × option pairs the model leaves out, with why (`refusalReason` says it in words). */
  refusals(lot: number): Refusal[];
  mip: boolean;
}

export interface ModelInput {
  lots: readonly Lot[];
  options: readonly RouteOption[];
  policy: PolicyBody;
}

export { own, type Refusal, refusalReason, toleranceFor } from './model-parts.js';

/** Lot × option pairs one model may have: about 20 options for a million lots. */
export const MAX_PAIRS = 25_000_000;

export function buildModel(input: ModelInput, maxPairs = MAX_PAIRS): RoutingModel {
  const { lots, options, policy } = input;
  if (lots.length * options.length > maxPairs) {
    throw new MatterlogError(
      'request_too_large',
      `${lots.length} lots × ${options.length} route options is ${lots.length * options.length} pairs; one plan takes at most ${maxPairs}: split the lots into several plans`,
    );
  }
  const ids = new Set<string>();
  for (const o of options) {
    if (ids.has(o.id)) throw new MatterlogError('invalid_input', `two route options are called "${o.id}"`);
    ids.add(o.id);
  }
  for (const key of [
    ...Object.keys(policy.capacities ?? {}),
    ...Object.keys(policy.fixedCostsEur ?? {}),
    ...Object.keys(policy.minBatchTonnes ?? {}),
  ]) {
    if (!ids.has(key)) {
      throw new MatterlogError(
        'invalid_input',
        `the policy names route option "${key}", which is not among the options (${[...ids].join(', ')})`,
      );
    }
  }
  const prices = policy.objective.materialValueEurPerTonne ?? {};
  const valueWeight = policy.objective.valueWeight ?? 1;
  const costWeight = policy.objective.costWeight ?? 1;
  const co2Price = policy.objective.co2eEurPerTonne ?? 0;
  const perTkm = policy.transportEurPerTonneKm ?? DEFAULT_TRANSPORT_EUR_PER_TKM;
  const capacity = options.map((o) => own(policy.capacities, o.id) ?? o.capacityTonnes);
  const tolerance = options.map((o) => toleranceFor(policy, o.route.family));

  // Rows, each with its bounds: lots, then capacities, then policy rows (the order is part of the model).
  const rows: RowInfo[] = [];
  const rowLo: number[] = [];
  const rowHi: number[] = [];
  const addRow = (kind: RowKind, ref: string, lo = Number.NEGATIVE_INFINITY, hi = Number.POSITIVE_INFINITY) => {
    rows.push({ kind, ref });
    rowLo.push(lo);
    rowHi.push(hi);
    return rows.length - 1;
  };
  for (const l of lots) addRow('lot', l.id, l.massTonnes, l.massTonnes);
  const capacityRow = options.map((o, r) => {
    const cap = capacity[r];
    return cap === null || cap === undefined ? -1 : addRow('capacity', o.id, Number.NEGATIVE_INFINITY, cap);
  });
  const totalTonnes = lots.reduce((s, l) => s + l.massTonnes, 0);
  const share = (v: number | undefined) => (v === undefined ? undefined : v * totalTonnes);
  const recoveryRow =
    policy.minRecoveryRate !== undefined ? addRow('min-recovery', 'all', share(policy.minRecoveryRate)) : -1;
  const landfillRow =
    policy.maxLandfillShare !== undefined
      ? addRow('max-landfill', 'landfill', undefined, share(policy.maxLandfillShare))
      : -1;
  const energyRow =
    policy.maxEnergyRecoveryShare !== undefined
      ? addRow('max-energy-recovery', 'energy-recovery', undefined, share(policy.maxEnergyRecoveryShare))
      : -1;
  const familyRows: { family: RouteFamily; row: number }[] = [];
  for (const s of policy.familyShares ?? []) {
    if (s.min !== undefined) familyRows.push({ family: s.family, row: addRow('family-min', s.family, share(s.min)) });
    if (s.max !== undefined)
      familyRows.push({ family: s.family, row: addRow('family-max', s.family, undefined, share(s.max)) });
  }

  const cost = new Growable();
  const upper = new Growable();
  const processing = new Growable();
  const transport = new Growable();
  const value = new Growable();
  const co2 = new Growable();
  const recovered = new Growable();
  const flowLot = new Growable();
  const flowOption = new Growable();
  const integerInfo: ColumnInfo[] = [];
  const entryRows = new Growable(4096);
  const entryValues = new Growable(4096);
  const starts = new Growable();
  // Refused pairs are most pairs on real instances: kept as flat numbers, turned into objects on demand.
  const refusedOption = new Growable();
  const refusedForeign = new Growable();
  const refusedFrom = new Int32Array(lots.length + 1);
  const refusals = (lot: number): Refusal[] => {
    const out: Refusal[] = [];
    for (let k = refusedFrom[lot] as number; k < (refusedFrom[lot + 1] as number); k++) {
      const r = refusedOption.data[k] as number;
      const foreign = refusedForeign.data[k] as number;
      const tol = tolerance[r] as number;
      out.push({ option: r, foreign, tolerance: tol, nothing: foreign <= tol + 1e-12 });
    }
    return out;
  };
  const caches = options.map(() => new Map<string, MaterialThrough>());
  const family = options.map((o) => o.route.family);
  const recovers = options.map((o) => o.route.outcome === 'recycling' || o.route.outcome === 'organic-recycling');
  const optionPlace = options.map((o) => o.location);
  lots.forEach((lot, i) => {
    let any = false;
    const composition = Object.entries(lot.composition);
    const contamination = lot.contamination ?? 0;
    for (let r = 0; r < options.length; r++) {
      const o = options[r] as RouteOption;
      // The same arithmetic, in the same order, as throughOption (network.ts), with each
      // material's yield and emission factor looked up once per option rather than per lot.
      const cache = caches[r] as Map<string, MaterialThrough>;
      let unaccepted = 0;
      let recoveredShare = 0;
      let valueEur = 0;
      let kg = o.processKgCo2ePerTonne;
      for (const [m, share] of composition) {
        let t = cache.get(m);
        if (!t) {
          t = materialThrough(o, m, priceOf(prices, m));
          cache.set(m, t);
        }
        if (t.yield === 0) unaccepted += share;
        else if (recovers[r]) {
          const tonnes = share * t.yield;
          recoveredShare += tonnes;
          valueEur += tonnes * t.price;
        }
        if (t.warm !== null) kg += share * t.warm * 1000;
      }
      const foreign = recovers[r] && !o.route.acceptsMixtures ? contamination + unaccepted : contamination;
      if (foreign > (tolerance[r] as number) + 1e-12 || (recovers[r] && recoveredShare === 0)) {
        refusedOption.push(r);
        refusedForeign.push(foreign);
        continue;
      }
      any = true;
      const transportEur = perTkm * distanceKm(lot.location, optionPlace[r]);
      const c = costWeight * (o.costEurPerTonne + transportEur) + (co2Price * kg) / 1000 - valueWeight * valueEur;
      flowLot.push(i);
      flowOption.push(r);
      starts.push(entryRows.length);
      cost.push(c);
      upper.push(Math.min(lot.massTonnes, capacity[r] ?? Number.POSITIVE_INFINITY));
      processing.push(o.costEurPerTonne);
      transport.push(transportEur);
      value.push(valueEur);
      co2.push(kg);
      recovered.push(recoveredShare);
      entryRows.push(i);
      entryValues.push(1);
      const cap = capacityRow[r] as number;
      if (cap >= 0) {
        entryRows.push(cap);
        entryValues.push(1);
      }
      if (recoveryRow >= 0 && recoveredShare !== 0) {
        entryRows.push(recoveryRow);
        entryValues.push(recoveredShare);
      }
      const fam = family[r];
      if (landfillRow >= 0 && fam === 'landfill') {
        entryRows.push(landfillRow);
        entryValues.push(1);
      }
      if (energyRow >= 0 && fam === 'energy-recovery') {
        entryRows.push(energyRow);
        entryValues.push(1);
      }
      for (const f of familyRows) {
        if (f.family === fam) {
          entryRows.push(f.row);
          entryValues.push(1);
        }
      }
    }
    refusedFrom[i + 1] = refusedOption.length;
    if (!any) {
      const why = refusals(i)
        .map((x) => `${options[x.option]?.id}: ${refusalReason(x)}`)
        .join('; ');
      throw new MatterlogError(
        'invalid_input',
        `lot "${lot.id}" has nowhere to go: no route option accepts it (${why})`,
        {
          details: { lot: lot.id },
        },
      );
    }
  });
  const flowCount = flowLot.length;
  const lotOf = flowLot.done();
  const optionOf = flowOption.done();

  // MIP columns and linking rows.
  const integerCols: number[] = [];
  const fixed = policy.fixedCostsEur ?? {};
  const batch = policy.minBatchTonnes ?? {};
  const byOption: number[][] = options.map(() => []);
  for (let j = 0; j < flowCount; j++) (byOption[optionOf[j] as number] as number[]).push(j);
  const flowsOf = (r: number) => byOption[r] as number[];
  const linkEntries: { col: number; row: number; value: number }[] = [];
  options.forEach((o, r) => {
    const needsOpen = Object.hasOwn(fixed, o.id) || Object.hasOwn(batch, o.id);
    if (!needsOpen && !policy.truckload) return;
    const flows = flowsOf(r);
    const reach = Math.min(
      capacity[r] ?? Number.POSITIVE_INFINITY,
      flows.reduce((s, j) => s + (upper.data[j] as number), 0),
    );
    if (needsOpen) {
      const link = addRow('open-link', o.id, undefined, 0);
      for (const j of flows) linkEntries.push({ col: j, row: link, value: 1 });
      const b = own(batch, o.id);
      const batchRow = b !== undefined ? addRow('min-batch', o.id, 0) : -1;
      if (batchRow >= 0) for (const j of flows) linkEntries.push({ col: j, row: batchRow, value: 1 });
      integerInfo.push({ kind: 'open', option: r });
      const col = flowCount + integerInfo.length - 1;
      integerCols.push(col);
      cost.push(own(fixed, o.id) ?? 0);
      upper.push(1);
      linkEntries.push({ col, row: link, value: -reach });
      if (batchRow >= 0) linkEntries.push({ col, row: batchRow, value: -(b as number) });
    }
    if (policy.truckload) {
      const row = addRow('truckload', o.id, undefined, 0);
      for (const j of flows) linkEntries.push({ col: j, row, value: 1 });
      integerInfo.push({ kind: 'trucks', option: r });
      const col = flowCount + integerInfo.length - 1;
      integerCols.push(col);
      cost.push(policy.truckload.costEur);
      upper.push(Math.ceil(reach / policy.truckload.tonnes - 1e-9));
      linkEntries.push({ col, row, value: -policy.truckload.tonnes });
    }
  });

  // CSC: each flow column's own entries, plus its linking entries, then the integer columns'.
  const extra = new Map<number, { row: number; value: number }[]>();
  for (const e of linkEntries) {
    const list = extra.get(e.col) ?? [];
    list.push({ row: e.row, value: e.value });
    extra.set(e.col, list);
  }
  const numCols = flowCount + integerInfo.length;
  const column = (j: number): ColumnInfo =>
    j < flowCount
      ? { kind: 'flow', lot: lotOf[j] as number, option: optionOf[j] as number }
      : (integerInfo[j - flowCount] as ColumnInfo);
  const aStart = new Int32Array(numCols + 1);
  const nnz = entryRows.length + linkEntries.length;
  const aIndex = new Int32Array(nnz);
  const aValue = new Float64Array(nnz);
  let k = 0;
  for (let j = 0; j < numCols; j++) {
    aStart[j] = k;
    if (j < flowCount) {
      const end = j + 1 < flowCount ? (starts.data[j + 1] as number) : entryRows.length;
      for (let e = starts.data[j] as number; e < end; e++) {
        aIndex[k] = entryRows.data[e] as number;
        aValue[k++] = entryValues.data[e] as number;
      }
    }
    for (const e of extra.get(j) ?? []) {
      aIndex[k] = e.row;
      aValue[k++] = e.value;
    }
  }
  aStart[numCols] = k;

  const numRows = rows.length;
  const rowLower = Float64Array.from(rowLo);
  const rowUpper = Float64Array.from(rowHi);

  const integer = integerCols.length > 0 ? new Uint8Array(numCols) : undefined;
  for (const j of integerCols) (integer as Uint8Array)[j] = 1;
  const colNames = (j: number): string => {
    const c = column(j);
    return c.kind === 'flow' ? `x[${lots[c.lot]?.id},${options[c.option]?.id}]` : `${c.kind}[${options[c.option]?.id}]`;
  };
  const lp: LinearProgram = {
    numCols,
    numRows,
    colCost: cost.done(),
    colLower: new Float64Array(numCols),
    colUpper: upper.done(),
    rowLower,
    rowUpper,
    aStart,
    aIndex,
    aValue,
    ...(integer ? { integer } : {}),
    colNames,
    rowNames: rows.map((r) => `${r.kind}[${r.ref}]`),
  };
  return {
    lp,
    rows,
    column,
    terms: {
      processingEur: processing.done(),
      transportEur: transport.done(),
      valueEur: value.done(),
      kgCo2e: co2.done(),
      recovered: recovered.done(),
    },
    flowCount,
    totalTonnes,
    refusals,
    mip: integer !== undefined,
  };
}
