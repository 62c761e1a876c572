/**
 * The decomposition (decompose.ts) against HiGHS solving the same LP directly:
 * on seeded random instances (lots of five catalog materials, contamination and
 * places; 20 options built from the catalog routes at three sites, capacities
 * that bind; a recovery floor, a landfill ceiling and family shares) it must
 * reach the same optimum with a certificate the checker accepts against the
 * full model; the hand instances must come out as in test/optimize; an
 * infeasible policy must be reported so and explained as the direct solve
 * explains it. Timings at 100,000 and 1,000,000 lots are the benchmark's
 * (npm run bench -- --only optimize), not a test's.
 */
import { describe, expect, it } from 'vitest';
import { LOTS, OPTIONS, policy } from '../../test/helpers/optimize-fixtures.js';
import { seededRng, testSeed } from '../../test/helpers/seeded-random.js';
import { MATERIALS } from '../assess/materials.js';
import { checkCertificate } from './certificate.js';
import { solveDecomposed, solveDecomposedLp } from './decompose.js';
import { HighsSolver } from './highs-solver.js';
import type { LinearProgram } from './lp.js';
import { buildModel } from './model.js';
import { catalogOptions, type Lot, type RouteOption } from './network.js';
import type { PolicyBody } from './policy.js';
import { optimize } from './solve.js';
import { verifyPlan } from './verify-plan.js';

type Variant = 'plain' | 'no-places' | 'identical' | 'small-capacities';

interface Instance {
  lots: Lot[];
  options: RouteOption[];
  policy: PolicyBody;
}

/**
 * Half the lots nearly pure (one material, a little of four others), half mixed; 20 options: the
 * catalog's routes at sites 0, 1 and 2, with costs varied by ±20% and capacities of 2–17% of the
 * lots' mass (landfill and energy recovery unlimited, so most policies can be met).
 */
function randomInstance(seed: number, count: number, variant: Variant = 'plain'): Instance {
  const rng = seededRng(seed);
  const ids = MATERIALS.map((m) => m.id);
  const place = () => ({ latitude: 45 + rng.next() * 10, longitude: rng.next() * 15 });
  const lots: Lot[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const picked: string[] = [];
    while (picked.length < 5) {
      const m = rng.pick(ids);
      if (!picked.includes(m)) picked.push(m);
    }
    const pure = rng.chance(0.5);
    const contamination = Math.round((pure ? rng.next() * 0.03 : rng.next() * 0.15) * 1e4) / 1e4;
    const main = pure ? 0.95 - contamination : 0.3 + rng.next() * 0.4;
    const composition: Record<string, number> = { [picked[0] as string]: Math.round(main * 1e4) / 1e4 };
    let rest = 1 - contamination - main - (pure ? 0 : rng.next() * 0.1);
    for (let t = 1; t < 5; t++) {
      const share = t === 4 ? rest : rest * rng.next() * 0.6;
      composition[picked[t] as string] = Math.max(0, Math.floor(share * 1e4) / 1e4);
      rest -= share;
    }
    const massTonnes = Math.round((1 + rng.next() * 19) * 1000) / 1000;
    total += massTonnes;
    lots.push({ id: `lot-${i}`, massTonnes, composition, contamination, location: place() });
  }
  const options: RouteOption[] = [];
  for (let site = 0; options.length < 20; site++) {
    for (const o of catalogOptions()) {
      if (options.length >= 20) break;
      const unlimited = o.route.family === 'landfill' || o.route.family === 'energy-recovery';
      options.push({
        ...o,
        id: `site-${site}/${o.id}`,
        facility: `site-${site}`,
        location: place(),
        capacityTonnes: unlimited ? null : Math.round(total * (0.02 + rng.next() * 0.15)),
        costEurPerTonne: Math.round(o.costEurPerTonne * (0.8 + rng.next() * 0.4)),
      });
    }
  }
  if (variant === 'no-places') {
    // Without places there is no transport cost: the same route at two sites differs only by price.
    for (const x of [...lots, ...options]) delete x.location;
  }
  if (variant === 'identical') {
    const templates = lots.slice(0, 20);
    for (let i = 20; i < count; i++) lots[i] = { ...(templates[i % 20] as Lot), id: `lot-${i}` };
  }
  const body: PolicyBody = {
    id: 'test/random',
    version: `v${seed}`,
    objective: {
      materialValueEurPerTonne: {
        'polymer/*': 450,
        'polymer/PET': 650,
        'metal/*': 900,
        'glass/*': 70,
        'fibre/*': 140,
        'organic/*': 30,
        'textile/*': 200,
      },
      co2eEurPerTonne: 80,
    },
    transportEurPerTonneKm: 0.1,
    minRecoveryRate: 0.2 + rng.next() * 0.1,
    maxLandfillShare: 0.1 + rng.next() * 0.2,
    familyShares: [
      { family: 'mechanical', min: rng.next() * 0.1 },
      { family: 'chemical', max: 0.05 + rng.next() * 0.1 },
      { family: 'composting', max: 0.05 + rng.next() * 0.05 },
    ],
  };
  if (variant === 'small-capacities') {
    // Options that take less than a lot: lots split over several options by the bounds alone.
    body.capacities = Object.fromEntries(
      options
        .filter((o) => o.capacityTonnes !== null)
        .slice(0, 4)
        .map((o) => [o.id, 4 + rng.int(0, 4)]),
    );
  }
  return { lots, options, policy: body };
}

const solver = new HighsSolver();

async function compare(instance: Instance): Promise<void> {
  const model = buildModel(instance);
  const direct = await solver.solve(model.lp);
  const decomposed = await solveDecomposed(model, solver);
  expect(decomposed.status).toBe(direct.status);
  if (direct.status !== 'optimal') return;
  expect(decomposed.dualValid).toBe(true);
  expect(Math.abs(decomposed.objective - direct.objective)).toBeLessThanOrEqual(
    1e-6 * Math.max(1, Math.abs(direct.objective)),
  );
  expect(decomposed.colValue.length).toBe(model.lp.numCols);
  expect(decomposed.rowDual.length).toBe(model.lp.numRows);
  const check = checkCertificate(model.lp, decomposed.colValue, decomposed.rowDual);
  // Rounding leaves violations of a few ulps; the checker's tolerances decide.
  expect(check.maxPrimalViolation).toBeLessThan(1e-9);
  expect(check.dualViolations).toEqual([]);
  expect(check.primalFeasible).toBe(true);
  expect(check.dualFeasible).toBe(true);
  expect(check.gapWithinTolerance).toBe(true);
}

describe('the decomposition against HiGHS on the whole LP', () => {
  const cases: [number, number, Variant][] = [
    [1, 200, 'plain'],
    [2, 1000, 'plain'],
    [3, 2500, 'plain'],
    [4, 5000, 'plain'],
    [5, 1500, 'no-places'],
    [6, 3000, 'no-places'],
    [7, 2000, 'identical'],
    [8, 1200, 'small-capacities'],
    [9, 4000, 'small-capacities'],
  ];
  it.each(cases)('seed %i, %i lots, %s: the same optimum, and a certificate for the full model', async (seed, n, v) => {
    await compare(randomInstance(seed, n, v));
  });

  it('on a fresh random instance too (replay with MATTERLOG_DECOMPOSE_SEED)', async () => {
    const seed = testSeed('MATTERLOG_DECOMPOSE_SEED', 'decomposition vs direct');
    const rng = seededRng(seed);
    const variants: Variant[] = ['plain', 'no-places', 'identical', 'small-capacities'];
    await compare(randomInstance(seed, rng.int(200, 3000), rng.pick(variants)));
  });

  it('has coupling rows that bind on these instances (else the test would prove little)', async () => {
    const model = buildModel(randomInstance(2, 1000));
    const s = await solveDecomposed(model, solver);
    const binding = model.rows.filter((r, i) => r.kind !== 'lot' && Math.abs(s.rowDual[i] as number) > 1e-6);
    expect(binding.map((r) => r.kind)).toEqual(expect.arrayContaining(['capacity', 'min-recovery']));
  });

  it('reports an infeasible policy as infeasible, as HiGHS does', async () => {
    const instance = randomInstance(10, 1500);
    instance.policy.minRecoveryRate = 0.7;
    await compare(instance);
    const model = buildModel(instance);
    expect((await solveDecomposed(model, solver)).status).toBe('infeasible');
  });

  it('refuses a MIP, and an LP without the lots × options structure', async () => {
    const mip = buildModel({ lots: LOTS, options: OPTIONS, policy: policy({ fixedCostsEur: { chem: 500 } }) });
    expect(() => solveDecomposed(mip, solver)).toThrow(/LPs only/);
    const lp = buildModel({ lots: LOTS, options: OPTIONS, policy: policy() }).lp;
    const twisted: LinearProgram = { ...lp, aValue: lp.aValue.map((v, e) => (e === 0 ? 2 : v)) };
    await expect(solveDecomposedLp(twisted, 2, solver)).rejects.toThrow(/lots × options structure/);
  });
});

describe('the hand instances through the decomposition (test/helpers/optimize-fixtures.ts)', () => {
  const solve = (over: Parameters<typeof policy>[0] = {}) =>
    optimize({ policy: policy(over), lots: LOTS, options: OPTIONS }, solver, { decompose: true });
  const tonnes = (plan: Awaited<ReturnType<typeof solve>>) =>
    Object.fromEntries(plan.result.assignments.map((a) => [`${a.lot}→${a.option}`, Math.round(a.tonnes * 1e9) / 1e9]));

  it('fills the mechanical line with B and sends the rest of A to chemical recycling (−3672 EUR)', async () => {
    const plan = await solve();
    expect(tonnes(plan)).toEqual({ 'A→mech': 2, 'A→chem': 4, 'B→mech': 8 });
    expect(plan.result.totals.objective).toBeCloseTo(-3672, 9);
    expect(plan.result.binding).toEqual([
      expect.objectContaining({ row: 'capacity[mech]', dual: expect.closeTo(-100, 9) }),
    ]);
    expect(verifyPlan(plan).ok).toBe(true);
  });

  it('meets the 82% recovery floor at a shadow price of 1000 EUR/t (−3536 EUR)', async () => {
    const plan = await solve({ minRecoveryRate: 0.82 });
    expect(tonnes(plan)).toEqual({ 'A→mech': 0.64, 'A→chem': 5.36, 'B→mech': 8 });
    expect(plan.result.totals.objective).toBeCloseTo(-3536, 9);
    expect(plan.result.binding.find((x) => x.kind === 'min-recovery')?.dual).toBeCloseTo(1000, 6);
    expect(verifyPlan(plan).ok).toBe(true);
  });

  it('honours at most 50% mechanical', async () => {
    const plan = await solve({ familyShares: [{ family: 'mechanical', max: 0.5 }] });
    expect(tonnes(plan)).toEqual({ 'A→chem': 6, 'B→mech': 7, 'B→chem': 1 });
    expect(verifyPlan(plan).ok).toBe(true);
  });

  it('explains an infeasible policy as the direct solve does', async () => {
    await expect(solve({ minRecoveryRate: 0.95 })).rejects.toMatchObject({
      code: 'infeasible',
      message: expect.stringMatching(/min-recovery\[all\] would have to be relaxed by 0\.988 t/),
    });
    const over = { minRecoveryRate: 0.85, familyShares: [{ family: 'chemical' as const, max: 0.2 }] };
    const direct = await optimize({ policy: policy(over), lots: LOTS, options: OPTIONS }, solver).catch((e) => e);
    const decomposed = await solve(over).catch((e) => e);
    expect(decomposed).toMatchObject({ code: 'infeasible', message: (direct as Error).message });
  });

  it('explains an infeasible random policy with the same least violation', async () => {
    const instance = randomInstance(11, 2000);
    instance.policy.minRecoveryRate = 0.6;
    const total = (e: unknown) =>
      ((e as { details: { conflict: { violationTonnes?: number }[] } }).details.conflict ?? []).reduce(
        (s, c) => s + (c.violationTonnes ?? 0),
        0,
      );
    const direct = await optimize(instance, solver, { decompose: false }).catch((e) => e);
    const decomposed = await optimize(instance, solver, { decompose: true }).catch((e) => e);
    expect(direct).toMatchObject({ code: 'infeasible' });
    expect(decomposed).toMatchObject({ code: 'infeasible' });
    expect(total(decomposed)).toBeCloseTo(total(direct), 4);
  });
});
