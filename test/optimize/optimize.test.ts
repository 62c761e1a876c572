/**
 * The optimizer end to end with the real HiGHS solver on instances whose
 * optimum is worked out by hand (test/helpers/optimize-fixtures.ts): plans,
 * their certificates, tampering, infeasible policies, a MIP, and determinism.
 */
import { describe, expect, it } from 'vitest';
import { planBytes } from '../../src/app/optimize-service.js';
import { HighsSolver } from '../../src/optimize/highs-solver.js';
import type { PlanDocument } from '../../src/optimize/plan.js';
import { optimize } from '../../src/optimize/solve.js';
import { verifyPlan } from '../../src/optimize/verify-plan.js';
import { LOTS, OPTIONS, policy } from '../helpers/optimize-fixtures.js';

const solver = new HighsSolver();
const solve = (over: Parameters<typeof policy>[0] = {}) =>
  optimize({ policy: policy(over), lots: LOTS, options: OPTIONS }, solver);
const tonnes = (plan: PlanDocument) =>
  Object.fromEntries(plan.result.assignments.map((a) => [`${a.lot}→${a.option}`, Math.round(a.tonnes * 1e9) / 1e9]));
const clone = (p: PlanDocument): PlanDocument => JSON.parse(JSON.stringify(p)) as PlanDocument;

describe('plans solved by HiGHS, against the hand optimum', () => {
  it('fills the mechanical line with B, sends the rest of A to chemical recycling, and proves it', async () => {
    const plan = await solve();
    // B gains 102 EUR/t from mech over chem, A only 100: B takes 8 of mech's 10 t.
    expect(tonnes(plan)).toEqual({ 'A→mech': 2, 'A→chem': 4, 'B→mech': 8 });
    expect(plan.result.totals.objective).toBeCloseTo(-3672, 9);
    expect(plan.result.totals.recoveredTonnes).toBeCloseTo(2 * 0.8 + 4 * 0.9 + 8 * 0.768, 12);
    expect(plan.result.binding).toEqual([
      expect.objectContaining({ row: 'capacity[mech]', dual: expect.closeTo(-100, 9) }),
    ]);
    expect(plan.result.binding[0]?.meaning).toBe(
      'one more tonne of capacity at mech would lower the objective by 100.00 EUR',
    );
    // A uses both mech and chem, so its dual is fixed at −200 and forcing a tonne to landfill costs 250.
    // (B's duals are not unique: it fills its own 8 t bound on mech, a degenerate vertex.)
    const a = plan.result.lots.find((l) => l.lot === 'A');
    expect(a?.alternatives.map((x) => [x.option, Math.round(x.eurPerTonne * 1e6) / 1e6])).toEqual([['landfill', 250]]);
    const report = verifyPlan(plan);
    expect(report.ok).toBe(true);
    expect(report.notProved).toEqual([]);
    expect(report.proved.join('\n')).toMatch(/it is optimal/);
    expect(report.provenGap).toBeLessThan(1e-6);
  });

  it('meets a recovery floor by moving the cheapest lot, with the floor’s shadow price', async () => {
    const plan = await solve({ minRecoveryRate: 0.82 });
    expect(tonnes(plan)).toEqual({ 'A→mech': 0.64, 'A→chem': 5.36, 'B→mech': 8 });
    expect(plan.result.totals.objective).toBeCloseTo(-3536, 9);
    expect(plan.result.totals.recoveryRate).toBeCloseTo(0.82, 12);
    const floor = plan.result.binding.find((x) => x.kind === 'min-recovery');
    expect(floor?.dual).toBeCloseTo(1000, 6);
    // One point less of the floor is 0.14 t of recovery, at 1000 EUR/t: 140 EUR.
    expect(floor?.meaning).toBe('one point less of the recovery floor would lower the objective by 140.00 EUR');
    expect(verifyPlan(plan).ok).toBe(true);
  });

  it('honours family shares: at most 50% mechanical', async () => {
    const plan = await solve({ familyShares: [{ family: 'mechanical', max: 0.5 }] });
    // 7 t may go to mech: B first (8 t would exceed it), so B 7 t mech + 1 t chem, A 6 t chem.
    expect(tonnes(plan)).toEqual({ 'A→chem': 6, 'B→mech': 7, 'B→chem': 1 });
    expect(verifyPlan(plan).ok).toBe(true);
  });

  it('gives the same plan, byte for byte, for the same input', async () => {
    const a = planBytes(await solve({ minRecoveryRate: 0.82 }));
    const b = planBytes(await solve({ minRecoveryRate: 0.82 }));
    expect(a.sha256).toBe(b.sha256);
  });
});

describe('certificates that must fail', () => {
  it('a plan with one lot moved', async () => {
    const plan = clone(await solve());
    // x order: A→mech, A→chem, A→landfill, B→mech, B→chem, B→landfill. Move 1 t of B from mech to chem.
    plan.certificate.x[3] = 7;
    plan.certificate.x[4] = 1;
    const report = verifyPlan(plan);
    expect(report.ok).toBe(false);
    // B through chem instead of mech costs −182 − (−284) = 102 EUR more.
    expect(report.notProved.join('\n')).toMatch(/a gap of 102 EUR; a better plan may exist/);
    expect(report.notProved.join('\n')).toMatch(/stated assignments, totals, lots do not follow/);
  });

  it('a plan with one dual changed', async () => {
    const plan = clone(await solve());
    plan.certificate.y[2] = (plan.certificate.y[2] as number) + 1;
    const report = verifyPlan(plan);
    expect(report.ok).toBe(false);
    expect(report.notProved.join('\n')).toMatch(/optimality: the duals bound the best objective at/);
  });

  it('a plan solved under a hidden extra constraint', async () => {
    // Solved with mech capped at 9 t, published as if under the policy that says nothing of it.
    const hidden = await solve({ capacities: { mech: 9 } });
    const published = clone(hidden);
    published.policy = policy();
    const report = verifyPlan(published);
    expect(report.ok).toBe(false);
    // The routing respects the published policy, but 1 t less through mech costs 100 EUR: not optimal.
    expect(report.proved[0]).toMatch(/respects every constraint/);
    expect(report.notProved[0]).toMatch(/a gap of 100 EUR/);
  });

  it('a stated total changed after solving', async () => {
    const plan = clone(await solve());
    plan.result.totals.recoveryRate = 0.99;
    const report = verifyPlan(plan);
    expect(report.notProved).toEqual(["the plan's stated totals do not follow from its certificate"]);
  });
});

describe('infeasible policies name their conflict', () => {
  it('a recovery floor no routing reaches', async () => {
    // Everything through chem recovers 6 × 0.9 + 8 × 0.864 = 12.312 t; 95% of 14 t is 13.3 t: 0.988 t short.
    await expect(solve({ minRecoveryRate: 0.95 })).rejects.toMatchObject({
      code: 'infeasible',
      message: expect.stringMatching(/min-recovery\[all\] would have to be relaxed by 0\.988 t/),
    });
  });

  it('a floor and a family ceiling that cannot both hold', async () => {
    // At most 20% (2.8 t) chemical: recovery is at most 2.8 × 0.9 + 11.2 × 0.8·… below 85%.
    const e = await solve({ minRecoveryRate: 0.85, familyShares: [{ family: 'chemical', max: 0.2 }] }).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'infeasible' });
    const conflict = (e as { details: { conflict: { row: string }[] } }).details.conflict.map((c) => c.row);
    expect(conflict).toEqual(expect.arrayContaining(['family-max[chemical]']));
    expect(conflict.some((r) => r === 'min-recovery[all]' || r === 'capacity[mech]')).toBe(true);
  });
});

describe('a MIP: a fixed cost to use the chemical plant', () => {
  it('opens it when it pays (500 EUR), and proves the routing and a bound', async () => {
    // Open: −3672 + 500 = −3172. Closed: A 6 t mech (−1800), B 4 t mech + 4 t landfill (−1136 + 200): −2736.
    const plan = await solve({ fixedCostsEur: { chem: 500 } });
    expect(plan.kind).toBe('mip');
    expect(tonnes(plan)).toMatchObject({ 'A→chem': 4, 'B→mech': 8 });
    expect(plan.result.totals.objective).toBeCloseTo(-3172, 6);
    const report = verifyPlan(plan);
    expect(report.ok).toBe(true);
    expect(report.kind).toBe('mip');
    expect(report.lowerBound).toBeLessThanOrEqual(-3172 + 1e-6);
    expect(report.limits[0]).toMatch(/no other choice of routes to open is better/);
  });

  it('a minimum batch of 5 t at the chemical plant: one more tonne of A goes there', async () => {
    // Chem gets 4 t in the LP; at least 5 t or nothing: open with 5 t (A 1 t mech, 5 t chem: −3672 + 100)
    // beats closed (−2736).
    const plan = await solve({ minBatchTonnes: { chem: 5 } });
    expect(tonnes(plan)).toEqual({ 'A→mech': 1, 'A→chem': 5, 'B→mech': 8 });
    expect(plan.result.totals.objective).toBeCloseTo(-3572, 6);
    expect(verifyPlan(plan).ok).toBe(true);
  });

  it('a MIP plan with a fractional truck fails verification, however large the bound', async () => {
    const plan = clone(await solve({ truckload: { tonnes: 4, costEur: 10 } }));
    const trucks = plan.certificate.x.length - 3; // the last columns: trucks at mech, chem, landfill
    plan.certificate.x[trucks] = (plan.certificate.x[trucks] as number) + 0.5;
    const report = verifyPlan(plan);
    expect(report.ok).toBe(false);
    expect(report.notProved.join('\n')).toMatch(/trucks\[mech\] = 3\.5 is not a whole number/);
  });

  it('whole truckloads of 4 t at 10 EUR each', async () => {
    // mech's 10 t take 3 trucks, chem's 4 t one: 40 EUR on top of the LP's −3672; sending 2 t less to mech
    // would save a truck (10 EUR) but cost 200.
    const plan = await solve({ truckload: { tonnes: 4, costEur: 10 } });
    expect(tonnes(plan)).toEqual({ 'A→mech': 2, 'A→chem': 4, 'B→mech': 8 });
    expect(plan.result.totals.truckEur).toBeCloseTo(40, 9);
    expect(plan.result.totals.objective).toBeCloseTo(-3632, 6);
    expect(verifyPlan(plan).ok).toBe(true);
  });

  it('keeps it closed when it does not (1200 EUR: −2472 open against −2736 closed)', async () => {
    const plan = await solve({ fixedCostsEur: { chem: 1200 } });
    // Without chem, mech beats landfill by 350 EUR/t for A and 334 for B: A fills mech first.
    expect(tonnes(plan)).toEqual({ 'A→mech': 6, 'B→mech': 4, 'B→landfill': 4 });
    expect(plan.result.totals.objective).toBeCloseTo(-2736, 6);
    expect(verifyPlan(plan).ok).toBe(true);
  });
});
