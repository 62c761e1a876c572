/**
 * Transfers: how the restricted LP moves tied fixed lots without taking them in.
 *
 * A problem can tie many lots at once: the same route at two sites that
 * nothing tells apart (no places, or the elastic model, which has no costs),
 * or identical lots. Fixing each such lot at one of its tied columns and
 * pricing it afterwards fails as soon as the restricted LP's duals lean one
 * way, and the working set then swallows the whole tied group. Instead, the
 * fixed lots whose tied alternatives differ from their column by the same
 * vector (Δ of the coupling rows, Δ of the cost) form a group, and the
 * restricted LP gets one column per group and alternative: "move t tonnes of
 * the group from its columns to that alternative", with t at most the group's
 * mass (a row keeps the moves of a group within it). Any t is a real move of
 * the full LP (each lot moves its share m_i t / M), so the restricted LP stays a
 * restriction, and its duals price the group's alternatives as its own columns.
 */
import type { LotStructure } from './decompose-structure.js';

export interface TransferGroup {
  lots: number[];
  /** Per lot, the column it is fixed at. */
  home: number[];
  /** Per alternative, per lot, the alternative's column. */
  alternatives: number[][];
  /** Per alternative: its difference from home on the coupling rows (rows as coupling indices) and in cost. */
  delta: { rows: number[]; values: number[]; cost: number }[];
  mass: number;
}

/** Column j's coupling entries minus column h's (coupling row index → value, zeros dropped), and the key. */
function difference(
  s: LotStructure,
  h: number,
  j: number,
): { rows: number[]; values: number[]; cost: number; key: string } {
  const { lp, lots } = s;
  const diff = new Map<number, number>();
  for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
    const r = lp.aIndex[e] as number;
    if (r >= lots) diff.set(r - lots, (diff.get(r - lots) ?? 0) + (lp.aValue[e] as number));
  }
  for (let e = lp.aStart[h] as number; e < (lp.aStart[h + 1] as number); e++) {
    const r = lp.aIndex[e] as number;
    if (r >= lots) diff.set(r - lots, (diff.get(r - lots) ?? 0) - (lp.aValue[e] as number));
  }
  const rows = [...diff.keys()].filter((k) => diff.get(k) !== 0).sort((a, b) => a - b);
  const values = rows.map((k) => diff.get(k) as number);
  const cost = (lp.colCost[j] as number) - (lp.colCost[h] as number);
  return { rows, values, cost, key: `${cost};${rows.map((k, t) => `${k}:${values[t]}`).join(',')}` };
}

/**
 * Groups the fixed lots that sit whole on one column and have alternatives within `tol` of it under
 * the prices in `rowPrice` (set by the caller), by the differences to those alternatives.
 */
export function tieGroups(
  s: LotStructure,
  rowPrice: Float64Array,
  inSet: Uint8Array,
  x: Float64Array,
  tol: number,
): TransferGroup[] {
  const { lp, lots, lotStart } = s;
  const groups = new Map<string, TransferGroup>();
  const reduced: number[] = [];
  for (let i = 0; i < lots; i++) {
    if (inSet[i] === 1 || s.simple[i] === 0) continue;
    const j0 = lotStart[i] as number;
    const j1 = lotStart[i + 1] as number;
    const m = lp.rowLower[i] as number;
    let home = -1;
    reduced.length = 0;
    for (let j = j0; j < j1; j++) {
      if (x[j] === m) home = j;
      let r = lp.colCost[j] as number;
      for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
        r -= (rowPrice[lp.aIndex[e] as number] as number) * (lp.aValue[e] as number);
      }
      reduced.push(r);
    }
    if (home < 0 || m === 0) continue;
    const base = reduced[home - j0] as number;
    const alts: { j: number; d: ReturnType<typeof difference> }[] = [];
    for (let j = j0; j < j1; j++) {
      if (j !== home && (reduced[j - j0] as number) - base <= tol) alts.push({ j, d: difference(s, home, j) });
    }
    if (alts.length === 0) continue;
    alts.sort((a, b) => (a.d.key < b.d.key ? -1 : a.d.key > b.d.key ? 1 : 0));
    const key = alts.map((a) => a.d.key).join('|');
    let g = groups.get(key);
    if (g === undefined) {
      g = {
        lots: [],
        home: [],
        alternatives: alts.map(() => []),
        delta: alts.map((a) => ({ rows: a.d.rows, values: a.d.values, cost: a.d.cost })),
        mass: 0,
      };
      groups.set(key, g);
    }
    g.lots.push(i);
    g.home.push(home);
    alts.forEach((a, k) => {
      g.alternatives[k]?.push(a.j);
    });
    g.mass += m;
  }
  return [...groups.values()];
}

/** Carries out the restricted LP's transfers `moved` (per group, per alternative, tonnes) on x. */
export function applyTransfers(s: LotStructure, groups: TransferGroup[], moved: number[][], x: Float64Array): void {
  groups.forEach((g, t) => {
    const tonnes = moved[t] as number[];
    let total = 0;
    const share = tonnes.map((v) => {
      const f = Math.min(1, Math.max(0, v / g.mass));
      total += f;
      return f;
    });
    if (total === 0) return;
    if (total > 1) for (let k = 0; k < share.length; k++) share[k] = (share[k] as number) / total;
    // A group moved whole leaves nothing behind, not a rounding residue that pricing would flag.
    const whole = total > 1 - 1e-12;
    const last = share.reduce((a, f, k) => (f > 0 ? k : a), -1);
    g.lots.forEach((i, n) => {
      const m = s.lp.rowLower[i] as number;
      let left = m;
      share.forEach((f, k) => {
        if (f === 0) return;
        const v = whole && k === last ? left : Math.min(left, m * f);
        const j = g.alternatives[k]?.[n] as number;
        x[j] = (x[j] as number) + v;
        left -= v;
      });
      x[g.home[n] as number] = whole ? 0 : left;
    });
  });
}
