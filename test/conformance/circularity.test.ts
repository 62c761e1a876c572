/**
 * The circularity reference data in ../shared/conformance/circularity: every
 * Material Circularity Indicator case (each intermediate value, not just the
 * MCI) and the EU PPWR grade thresholds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KG_PER_KG_PER_MTCO2E_PER_SHORT_TON, MATERIALS, warmKgPerKg } from '../../src/assess/materials.js';
import { materialCircularity } from '../../src/assess/mci.js';
import { PPWR_THRESHOLDS, ppwrGrade } from '../../src/assess/ppwr.js';
import { parseCsv } from '../helpers/csv.js';
import { conformanceDir } from '../helpers/env.js';

const dir = conformanceDir();
const csv = (name: string) => parseCsv(readFileSync(path.join(dir as string, 'circularity', name), 'utf8'));

describe.runIf(dir !== null)('Material Circularity Indicator vectors (mci-vectors.csv)', () => {
  const cases = dir ? csv('mci-vectors.csv') : [];

  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const c of cases) {
    it(c['case'] as string, () => {
      const n = (k: string) => Number(c[k]);
      const r = materialCircularity({
        mass: n('M'),
        recycledInput: n('FR'),
        reusedInput: n('FU'),
        sustainedInput: n('FS'),
        collectedForRecycling: n('CR'),
        collectedForReuse: n('CU'),
        composted: n('CC'),
        energyRecovered: n('CE'),
        feedstockRecyclingEfficiency: n('EF'),
        endOfLifeRecyclingEfficiency: n('EC'),
        lifetimeRatio: n('L_over_Lav'),
        useIntensityRatio: n('U_over_Uav'),
      });
      const expected = {
        V: n('V'),
        W0: n('W0'),
        WC: n('WC'),
        WF: n('WF'),
        W: n('W'),
        LFI: n('LFI'),
        X: n('X'),
        FX: n('F_X'),
        mciUnclamped: n('MCI_unclamped'),
        MCI: n('MCI'),
      };
      for (const [k, v] of Object.entries(expected)) expect(r[k as keyof typeof r], k).toBeCloseTo(v, 9);
    });
  }
});

describe.runIf(dir !== null)('EU PPWR grades (ppwr-grades.csv)', () => {
  it('grades at exactly the thresholds the regulation sets, and below C is non-recyclable', () => {
    const rows = dir ? csv('ppwr-grades.csv') : [];
    const graded = rows.filter((r) => /^[ABC]$/.test(r['grade'] as string));
    expect(graded.map((r) => [r['grade'], Number(r['design_for_recycling_min_pct_per_unit_by_weighting'])])).toEqual(
      PPWR_THRESHOLDS.map((t) => [t.grade, t.minPercent]),
    );
    for (const t of PPWR_THRESHOLDS) {
      expect(ppwrGrade(t.minPercent / 100).grade).toBe(t.grade);
      expect(ppwrGrade((t.minPercent - 0.001) / 100).grade).not.toBe(t.grade);
    }
    const below = rows.find((r) => r['grade'] === 'TECHNICALLY NON-RECYCLABLE');
    expect(below?.['design_for_recycling_min_pct_per_unit_by_weighting']).toBe('<70');
    expect(ppwrGrade(0.6999).grade).toBe('non-recyclable');
    // C is allowed until the end of 2037 and banned from 2038: the regulation's words, and ours.
    expect(rows.find((r) => r['grade'] === 'C')?.['market_status']).toMatch(/banned from 2038-01-01/);
    expect(ppwrGrade(0.75).from2038).toMatch(/NOT .* from 2038-01-01/);
  });
});

describe.runIf(dir !== null)('the materials catalog against EPA WARM v16 (warm-v16.csv)', () => {
  it('ships exactly the published factors for every material it maps to WARM, and none it does not', () => {
    const rows = new Map((dir ? csv('warm-v16.csv') : []).map((r) => [r['warm_material'] as string, r]));
    const mapped = MATERIALS.filter((m) => m.warm !== null);
    expect(mapped.length).toBeGreaterThan(25);
    const pathways = [
      ['recycled', 'recycled_mtco2e_per_short_ton'],
      ['landfilled', 'landfilled_mtco2e_per_short_ton'],
      ['combusted', 'combusted_mtco2e_per_short_ton'],
      ['composted', 'composted_mtco2e_per_short_ton'],
    ] as const;
    for (const m of mapped) {
      const warm = m.warm as NonNullable<typeof m.warm>;
      const row = rows.get(warm.material);
      expect(row, `${m.id}: WARM has no material "${warm.material}"`).toBeDefined();
      for (const [ours, column] of pathways) {
        const published = (row as Record<string, string>)[column] as string;
        expect(warm[ours], `${m.id} ${ours}`).toBe(published === '' ? null : Number(published));
      }
    }
    // The unit conversion: 1 MTCO2E per short ton is 1.10231 kg CO2e per kg (the conformance README's figure).
    expect(KG_PER_KG_PER_MTCO2E_PER_SHORT_TON).toBeCloseTo(1.10231, 5);
    expect(warmKgPerKg('polymer/PET', 'recycled')).toBeCloseTo(-1.04 * 1.1023113, 6);
    expect(warmKgPerKg('polymer/LDPE', 'recycled')).toBeNull();
  });
});
