import { describe, expect, it } from 'vitest';
import { isMatterlogError } from '../ledger/errors.js';
import { type MciInput, materialCircularity } from './mci.js';
import { ppwrGrade } from './ppwr.js';

const linear: MciInput = {
  mass: 1,
  recycledInput: 0,
  reusedInput: 0,
  sustainedInput: 0,
  collectedForRecycling: 0,
  collectedForReuse: 0,
  composted: 0,
  energyRecovered: 0,
  feedstockRecyclingEfficiency: 1,
  endOfLifeRecyclingEfficiency: 1,
  lifetimeRatio: 1,
  useIntensityRatio: 1,
};

describe('Material Circularity Indicator', () => {
  it('a PET bottle: 30% recycled content (EF 0.8), 60% collected for recycling (EC 0.85)', () => {
    const r = materialCircularity({
      ...linear,
      mass: 0.025,
      recycledInput: 0.3,
      feedstockRecyclingEfficiency: 0.8,
      collectedForRecycling: 0.6,
      endOfLifeRecyclingEfficiency: 0.85,
    });
    // Worked by hand: V = 0.025·0.7; W0 = 0.025·0.4; WC = 0.025·0.15·0.6; WF = 0.025·0.2·0.3/0.8.
    const V = 0.0175;
    const W0 = 0.01;
    const WC = 0.00225;
    const WF = 0.001875;
    const W = W0 + (WF + WC) / 2; // 0.0120625
    const LFI = (V + W) / (0.05 + (WF - WC) / 2); // 0.0295625 / 0.0498125
    expect(r.V).toBeCloseTo(V, 12);
    expect(r.W0).toBeCloseTo(W0, 12);
    expect(r.WC).toBeCloseTo(WC, 12);
    expect(r.WF).toBeCloseTo(WF, 12);
    expect(r.LFI).toBeCloseTo(0.593475533, 8);
    expect(r.LFI).toBeCloseTo(LFI, 12);
    expect(r.MCI).toBeCloseTo(1 - 0.9 * 0.593475533, 8);
  });

  it('clamps at 0 for short-lived linear products, and rewards longer, more intense use', () => {
    expect(materialCircularity({ ...linear, lifetimeRatio: 0.5 })).toMatchObject({ mciUnclamped: -0.8, MCI: 0 });
    expect(materialCircularity({ ...linear, lifetimeRatio: 2, useIntensityRatio: 1.5 }).MCI).toBeCloseTo(0.7, 12);
  });

  it('refuses inputs that cannot describe a product, naming the field', () => {
    const refuse = (over: Partial<MciInput>) => {
      try {
        materialCircularity({ ...linear, ...over });
      } catch (e) {
        if (isMatterlogError(e, 'invalid_input')) return e.message;
        throw e;
      }
      return 'accepted';
    };
    expect(refuse({ mass: 0 })).toMatch(/mass must be a positive number/);
    expect(refuse({ recycledInput: 1.2 })).toMatch(/recycledInput must be a fraction/);
    expect(refuse({ recycledInput: 0.6, reusedInput: 0.6 })).toMatch(/feedstock fractions cannot exceed 1/);
    expect(refuse({ collectedForRecycling: 0.7, composted: 0.4 })).toMatch(/end-of-life fractions cannot exceed 1/);
    expect(refuse({ feedstockRecyclingEfficiency: 0 })).toMatch(/no recycling process is 0% efficient/);
    expect(refuse({ lifetimeRatio: Number.NaN })).toMatch(/lifetimeRatio must be a positive number/);
  });
});

describe('EU PPWR grade', () => {
  it('grades by the recyclable share and states the 2030 and 2038 consequences', () => {
    expect(ppwrGrade(1)).toMatchObject({ grade: 'A', gradeMinimumPercent: 95 });
    expect(ppwrGrade(0.8).grade).toBe('B');
    expect(ppwrGrade(0.7)).toMatchObject({ grade: 'C', from2030: expect.stringMatching(/may be placed/) });
    expect(ppwrGrade(0.7).from2038).toMatch(/may NOT be placed .* from 2038-01-01/);
    expect(ppwrGrade(0.69)).toMatchObject({ grade: 'non-recyclable', gradeMinimumPercent: null });
    expect(ppwrGrade(0.69).from2030).toMatch(/may not be placed on the EU market/);
    // 0.18 + 0.69 + 0.08 is 0.9499999999999998 in binary: shares summed from parts must not lose a grade to an ulp.
    expect(ppwrGrade(0.18 + 0.69 + 0.08).grade).toBe('A');
    expect(() => ppwrGrade(1.01)).toThrow(/fraction from 0 to 1/);
  });
});
