/**
 * The model and its certificate on the hand-solved instance of
 * test/helpers/optimize-fixtures.ts, with x and the duals written out by hand:
 * no solver is involved, so these check the model and the checker alone.
 */
import { describe, expect, it } from 'vitest';
import { LOTS, OPTIONS, policy } from '../../test/helpers/optimize-fixtures.js';
import { checkCertificate } from './certificate.js';
import { columnName } from './lp.js';
import { buildModel, type Refusal, refusalReason } from './model.js';

describe('the routing model', () => {
  it('has a column per accepted lot × option, a row per lot, capacity and policy row', () => {
    const m = buildModel({ lots: LOTS, options: OPTIONS, policy: policy({ minRecoveryRate: 0.82 }) });
    expect(Array.from({ length: m.lp.numCols }, (_, j) => columnName(m.lp, j))).toEqual([
      'x[A,mech]',
      'x[A,chem]',
      'x[A,landfill]',
      'x[B,mech]',
      'x[B,chem]',
      'x[B,landfill]',
    ]);
    expect(m.lp.rowNames).toEqual(['lot[A]', 'lot[B]', 'capacity[mech]', 'min-recovery[all]']);
    expect(Array.from(m.lp.colCost)).toEqual([-300, -200, 50, 100 - 0.768 * 500, 250 - 0.864 * 500, 50]);
    expect(Array.from(m.lp.rowLower)).toEqual([6, 8, Number.NEGATIVE_INFINITY, 0.82 * 14]);
    expect(Array.from(m.lp.rowUpper)).toEqual([6, 8, 10, Number.POSITIVE_INFINITY]);
    expect(Array.from(m.lp.colUpper)).toEqual([6, 6, 6, 8, 8, 8]);
  });

  it('leaves out what a route does not accept, and says why', () => {
    const dirty = [{ id: 'C', massTonnes: 1, composition: { 'polymer/PET': 0.9 }, contamination: 0.1 }];
    const m = buildModel({ lots: dirty, options: OPTIONS, policy: policy() });
    expect(Array.from({ length: m.lp.numCols }, (_, j) => columnName(m.lp, j))).toEqual(['x[C,chem]', 'x[C,landfill]']);
    expect(refusalReason(m.refusals(0)[0] as Refusal)).toMatch(/10\.0% of the lot is contamination .* tolerates 5\.0%/);
  });
});

describe('the certificate, by hand', () => {
  // Without a recovery floor: B (which gains 102 EUR/t from mech over chem) fills mech first;
  // A gets the 2 t left and sends 4 t to chem. Objective 8 × −284 + 2 × −300 + 4 × −200 = −3672.
  // Duals: capacity −100 (A's mech − chem), lot A −200 (its chem cost), lot B −184 (−284 + 100).
  const lp = buildModel({ lots: LOTS, options: OPTIONS, policy: policy() }).lp;
  const x = [2, 4, 0, 8, 0, 0];
  const y = [-200, -184, -100];

  it('proves the hand optimum, with reduced costs computed by the checker', () => {
    const c = checkCertificate(lp, x, y);
    expect(c.primalFeasible).toBe(true);
    expect(c.dualFeasible).toBe(true);
    expect(c.objective).toBe(-3672);
    expect(c.dualBound).toBe(-3672);
    expect(c.gap).toBe(0);
    expect(c.gapWithinTolerance).toBe(true);
    // B to chem costs 2 EUR/t more; landfill 250 (A) and 234 (B).
    expect(Array.from(c.reducedCosts).map((d) => Math.round(d * 1e9) / 1e9)).toEqual([0, 0, 250, 0, 2, 234]);
  });

  it('fails when a lot is moved, a dual changed, or a lot left short', () => {
    const moved = checkCertificate(lp, [3, 3, 0, 7, 1, 0], y);
    expect(moved.primalFeasible).toBe(true);
    expect(moved.gapWithinTolerance).toBe(false);
    expect(moved.gap).toBeCloseTo(2, 9); // one tonne of B through chem instead of mech: +2 EUR
    const dual = checkCertificate(lp, x, [-200, -184, -99]);
    expect(dual.gapWithinTolerance).toBe(false);
    // Rows: −200 × 6 − 184 × 8 − 99 × 10 = −3662; mech now looks 1 EUR/t cheaper than it is, for up to
    // 6 t of A and 8 t of B: g = −3662 − 6 − 8 = −3676, 4 EUR below the plan's −3672.
    expect(dual.dualBound).toBeCloseTo(-3676, 9);
    const short = checkCertificate(lp, [2, 3, 0, 8, 0, 0], y);
    expect(short.primalFeasible).toBe(false);
    expect(short.primalViolations[0]?.what).toMatch(/lot\[A\]: A·x = 5 is outside \[6, 6\]/);
    const sign = checkCertificate(lp, x, [-200, -184, 100]);
    expect(sign.dualFeasible).toBe(false);
    expect(sign.dualBound).toBe(Number.NEGATIVE_INFINITY);
    expect(sign.dualViolations.map((v) => v.what)).toContainEqual(
      expect.stringMatching(/capacity\[mech\]: dual 100 claims its lower bound/),
    );
  });

  it('with a recovery floor of 82%: 1.36 t of A moves from mech to chem', () => {
    // Recovery without the floor is 11.344 t; 11.48 t are needed. Moving A costs 100 EUR per 0.1 t
    // recovered (1000 EUR/t), cheaper than B's 102 per 0.096 t: so y_recovery = 1000, mech has room (dual 0),
    // lot A −1100 (−300 − 0.8 × 1000), lot B −1052 (−284 − 0.768 × 1000). Objective −3672 + 136 = −3536.
    const floor = buildModel({ lots: LOTS, options: OPTIONS, policy: policy({ minRecoveryRate: 0.82 }) }).lp;
    const c = checkCertificate(floor, [0.64, 5.36, 0, 8, 0, 0], [-1100, -1052, 0, 1000]);
    expect(c.primalFeasible).toBe(true);
    expect(c.objective).toBeCloseTo(-3536, 9);
    expect(c.gapWithinTolerance).toBe(true);
    expect(c.reducedCosts[4]).toBeCloseTo(6, 9); // B to chem
  });
});
