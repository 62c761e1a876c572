/**
 * The certificate checker's fast paths against a plain exact reference: the
 * reduced costs must be the exactly rounded c − Aᵀy (the checker computes them
 * in double-double with a rounding proof and falls back to ExactSum), c·x, the
 * bound and the gap must be the same exact sums, and row activities may differ
 * from the exact ones only in the last bits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCertificate } from './certificate.js';
import { ExactSum } from './exact-sum.js';
import type { LinearProgram } from './lp.js';

interface Case {
  lp: LinearProgram;
  x: number[];
  y: number[];
}

/** Coefficients and values of every kind the checker meets: units, fractions, tiny and huge magnitudes. */
const number = fc.oneof(
  fc.constantFrom(1, -1, 0, 0.1, 1 / 3, 0.768, 2 ** -30, 1e8),
  fc.double({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((n) => n * 2 ** -20),
  // Large, but not so large that exact sums of products approach overflow (the checker is not for 1e300 EUR).
  fc.double({ min: -1e100, max: 1e100, noNaN: true, noDefaultInfinity: true }),
);

const lpCase: fc.Arbitrary<Case> = fc
  .record({
    rows: fc.integer({ min: 1, max: 6 }),
    columns: fc.array(
      fc.record({
        entries: fc.array(fc.tuple(fc.nat(), number), { minLength: 0, maxLength: 6 }),
        cost: number,
        x: number,
        // Make the reduced cost (nearly) cancel: the hardest case for the rounding proof.
        cancel: fc.constantFrom(0, 1, 2),
        nudge: fc.constantFrom(0, 2 ** -50, -(2 ** -60), 1e-300),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    y: fc.array(number, { minLength: 6, maxLength: 6 }),
  })
  .map(({ rows, columns, y }) => {
    const ys = y.slice(0, rows);
    const aStart = [0];
    const aIndex: number[] = [];
    const aValue: number[] = [];
    const colCost: number[] = [];
    for (const c of columns) {
      const seen = new Set<number>();
      let dot = 0;
      for (const [r, a] of c.entries) {
        const row = r % rows;
        if (seen.has(row)) continue;
        seen.add(row);
        aIndex.push(row);
        aValue.push(a);
        dot += a * (ys[row] as number);
      }
      aStart.push(aIndex.length);
      colCost.push(c.cancel === 0 ? c.cost : c.cancel === 1 ? dot : dot + c.nudge);
    }
    const n = columns.length;
    const lp: LinearProgram = {
      numCols: n,
      numRows: rows,
      colCost: Float64Array.from(colCost),
      colLower: new Float64Array(n).fill(-1e6),
      colUpper: new Float64Array(n).fill(1e6),
      rowLower: new Float64Array(rows).fill(-1e6),
      rowUpper: new Float64Array(rows).fill(1e6),
      aStart: Int32Array.from(aStart),
      aIndex: Int32Array.from(aIndex),
      aValue: Float64Array.from(aValue),
      colNames: [],
      rowNames: [],
    };
    return { lp, x: columns.map((c) => c.x), y: ys };
  });

/** The reference: every quantity as one ExactSum, no shortcut. */
function reference({ lp, x, y }: Case) {
  const reduced = Array.from({ length: lp.numCols }, (_, j) => {
    const d = new ExactSum().add(lp.colCost[j] as number);
    for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
      d.addProduct(-(lp.aValue[e] as number), y[lp.aIndex[e] as number] as number);
    }
    return d.value();
  });
  const objective = new ExactSum();
  const bound = new ExactSum();
  const gap = new ExactSum();
  const activity = Array.from({ length: lp.numRows }, () => new ExactSum());
  const magnitude = new Array<number>(lp.numRows).fill(0);
  reduced.forEach((d, j) => {
    objective.addProduct(lp.colCost[j] as number, x[j] as number);
    gap.addProduct(lp.colCost[j] as number, x[j] as number);
    const at = d >= 0 ? (lp.colLower[j] as number) : (lp.colUpper[j] as number);
    bound.addProduct(d, at);
    gap.addProduct(-d, at);
    for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
      const i = lp.aIndex[e] as number;
      activity[i]?.addProduct(lp.aValue[e] as number, x[j] as number);
      magnitude[i] = (magnitude[i] as number) + Math.abs((lp.aValue[e] as number) * (x[j] as number));
    }
  });
  y.forEach((yi, i) => {
    const at = yi > 0 ? (lp.rowLower[i] as number) : (lp.rowUpper[i] as number);
    if (yi !== 0) {
      bound.addProduct(yi, at);
      gap.addProduct(-yi, at);
    }
  });
  return {
    reduced,
    objective: objective.value(),
    bound: bound.value(),
    gap: gap.value(),
    activity: activity.map((a) => a.value()),
    magnitude,
  };
}

describe('the checker’s fast exact arithmetic', () => {
  it('gives exactly rounded reduced costs and the exact objective, bound and gap (property)', () => {
    fc.assert(
      fc.property(lpCase, (c) => {
        const ref = reference(c);
        const got = checkCertificate(c.lp, c.x, c.y);
        // The sign of a zero carries no meaning here (a cost of −0 against a
        // zero dual sums to +0 one way and −0 the other), so zeros compare as one.
        const z = (v: number) => v + 0;
        expect(Array.from(got.reducedCosts, z)).toEqual(ref.reduced.map(z));
        expect(z(got.objective)).toBe(z(ref.objective));
        expect(z(got.dualBound)).toBe(z(ref.bound));
        expect(z(got.gap)).toBe(z(ref.gap));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes typed arrays and plain arrays alike', () => {
    fc.assert(
      fc.property(lpCase, (c) => {
        const plain = checkCertificate(c.lp, c.x, c.y);
        const typed = checkCertificate(c.lp, Float64Array.from(c.x), Float64Array.from(c.y));
        expect(Array.from(typed.reducedCosts)).toEqual(Array.from(plain.reducedCosts));
        expect(typed.gap).toBe(plain.gap);
      }),
      { numRuns: 200 },
    );
  });

  it('computes row activities within the double-double error of the exact ones (property)', () => {
    fc.assert(
      fc.property(lpCase, (c) => {
        const ref = reference(c);
        // The checker reports an activity only when it breaks a bound: give every row an impossible one.
        const lp = { ...c.lp, rowLower: new Float64Array(c.lp.numRows).fill(Infinity) };
        const got = checkCertificate(lp, c.x, c.y);
        for (const v of got.primalViolations) {
          const m = /row (\d+): A·x = (\S+) is outside/.exec(v.what);
          if (!m) continue;
          const exact = ref.activity[Number(m[1])] as number;
          const magnitude = ref.magnitude[Number(m[1])] as number;
          if (!Number.isFinite(magnitude)) continue;
          // One rounding of the result, plus what the compensation can lose: far below the primal tolerance.
          expect(Math.abs(Number(m[2]) - exact)).toBeLessThanOrEqual(2 ** -52 * Math.abs(exact) + 1e-28 * magnitude);
        }
      }),
      { numRuns: 300 },
    );
  });
});
