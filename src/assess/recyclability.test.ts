/**
 * Worked examples from the issue, with every expected figure worked out here by
 * hand from the catalog's yields (comments show the arithmetic), not copied
 * from the code's output.
 */
import { describe, expect, it } from 'vitest';
import { ppwrGrade } from './ppwr.js';
import { assessRecyclability, type ProductDesign } from './recyclability.js';
import { ROUTES } from './routes.js';

const all = { routes: ROUTES };
const only = (...ids: string[]) => ({ routes: ROUTES.filter((r) => ids.includes(r.id)) });
const without = (...ids: string[]) => ({ routes: ROUTES.filter((r) => !ids.includes(r.id)) });
const kinds = (r: ReturnType<typeof assessRecyclability>) =>
  r.blockers.map((b) => [b.kind, b.components.join('+'), Number(b.costKg.toFixed(9))]);

describe('a PET bottle with a PP cap and a paper label', () => {
  // Cap and label come off in the float-sink after shredding: sorting keeps 95%.
  const bottle: ProductDesign = {
    components: [
      { id: 'bottle', material: 'polymer/PET', massKg: 0.025 },
      { id: 'cap', material: 'polymer/PP', massKg: 0.002 },
      { id: 'label', material: 'fibre/paper', massKg: 0.001 },
    ],
    joins: [
      { a: 'bottle', b: 'cap', method: 'shredding' },
      { a: 'bottle', b: 'label', method: 'shredding' },
    ],
  };

  it('with every route: PET depolymerised, PP by molecular disassembly, the label composted → grade B', () => {
    const r = assessRecyclability(bottle, all);
    // bottle 0.025 × 0.85 × 0.95 = 0.0201875; cap 0.002 × 0.85 × 0.95 = 0.001615; label 0.001 × 1 × 0.95 = 0.00095
    expect(r.recoveredKg).toBeCloseTo(0.0227525, 12);
    expect(r.share).toBeCloseTo(0.0227525 / 0.028, 12); // 0.8126
    expect(r.parts.map((p) => p.bestRoute)).toEqual([
      'chemical-depolymerisation',
      'molecular-disassembly',
      'composting',
    ]);
    expect(ppwrGrade(r.share).grade).toBe('B');
    // By hand instead of shredding: 0.02125 + 0.0017 + 0.001 = 0.02395, so shredding costs 0.0011975.
    expect(kinds(r)).toEqual([['shredding', 'bottle+cap+label', 0.0011975]]);
    expect(r.processLossKg).toBeCloseTo(0.028 - 0.02395, 12);
  });

  it('with mechanical recycling only: the published 68% PET yield makes it technically non-recyclable', () => {
    const r = assessRecyclability(bottle, only('mechanical'));
    // 0.025 × 0.68 × 0.95 + 0.002 × 0.70 × 0.95 + 0.001 × 0.75 × 0.95 = 0.0181925
    expect(r.share).toBeCloseTo(0.0181925 / 0.028, 12); // 0.6497
    expect(ppwrGrade(r.share).grade).toBe('non-recyclable');
    expect(r.byRoute).toEqual([{ route: 'mechanical', recoveredKg: r.recoveredKg, share: r.share }]);
  });
});

describe('a multilayer PET / aluminium / PE pouch', () => {
  const pouch: ProductDesign = {
    components: [
      { id: 'pet', material: 'polymer/PET', massKg: 0.003, features: ['ink:non-washable'] },
      { id: 'al', material: 'metal/aluminium', massKg: 0.001 },
      { id: 'pe', material: 'polymer/LDPE', massKg: 0.004 },
    ],
    joins: [
      { a: 'pet', b: 'al', method: 'inseparable' },
      { a: 'al', b: 'pe', method: 'inseparable' },
    ],
  };

  it('only molecular disassembly separates the laminate: 85% → grade B', () => {
    const r = assessRecyclability(pouch, all);
    expect(r.parts).toHaveLength(1);
    expect(r.parts[0]?.bestRoute).toBe('molecular-disassembly');
    expect(r.share).toBeCloseTo(0.85, 12); // 0.008 × 0.85 / 0.008
    expect(r.parts[0]?.refusedBy['mechanical']).toBe('pet has ink:non-washable');
    expect(r.parts[0]?.refusedBy['chemical-pyrolysis']).toBe('it does not accept metal/aluminium (al)');
    expect(r.blockers).toEqual([]);
  });

  it('without it, nothing is recovered, and the inseparable layers are what cost the mass', () => {
    const r = assessRecyclability(pouch, without('molecular-disassembly'));
    expect(r.share).toBe(0);
    expect(ppwrGrade(r.share).grade).toBe('non-recyclable');
    // Separating PE from Al: PE alone goes to pyrolysis, 0.004 × 0.75 = 0.003 (PET + Al still unrecoverable).
    // Separating PET from Al: PET alone (inked) is depolymerised, 0.003 × 0.85 = 0.00255.
    // Removing the ink alone changes nothing: mechanical recycling still cannot separate the layers.
    expect(kinds(r)).toEqual([
      ['inseparable-join', 'al+pe', 0.003],
      ['inseparable-join', 'pet+al', 0.00255],
    ]);
    // Ideal: PET 0.00255 + Al 0.001 × 0.9 + PE 0.003 = 0.00645 of 0.008.
    expect(r.processLossKg).toBeCloseTo(0.008 - 0.00645, 12);
  });
});

describe('a laptop with a glued battery', () => {
  const laptop: ProductDesign = {
    components: [
      { id: 'housing', material: 'polymer/ABS', massKg: 0.6 },
      { id: 'chassis', material: 'metal/aluminium-ingot', massKg: 0.4 },
      { id: 'pcb', material: 'electronics/pcb', massKg: 0.3 },
      { id: 'battery', material: 'hazardous/li-ion-battery', massKg: 0.25, features: ['hazard:lithium'] },
      { id: 'screen', material: 'glass/clear', massKg: 0.2 },
    ],
    joins: [
      { a: 'housing', b: 'chassis', method: 'hand' },
      { a: 'chassis', b: 'pcb', method: 'hand' },
      { a: 'housing', b: 'battery', method: 'inseparable' },
      { a: 'housing', b: 'screen', method: 'shredding' },
    ],
  };

  it('the glued battery takes the housing with it; the board and cells have no route here', () => {
    const r = assessRecyclability(laptop, all);
    // chassis 0.4 × 0.9 = 0.36 (by hand); screen 0.2 × 0.9 × 0.95 = 0.171; housing+battery: every route refuses lithium.
    expect(r.recoveredKg).toBeCloseTo(0.531, 12);
    expect(r.share).toBeCloseTo(0.531 / 1.75, 12); // 0.3034
    expect(ppwrGrade(r.share).grade).toBe('non-recyclable');
    expect(kinds(r)).toEqual([
      // Unglued, the housing goes to molecular disassembly: 0.6 × 0.85 × 0.95 = 0.4845.
      ['inseparable-join', 'housing+battery', 0.4845],
      ['no-route', 'pcb', 0.3],
      ['no-route', 'battery', 0.25],
      // The screen by hand: 0.2 × 0.9 = 0.18 instead of 0.171.
      ['shredding', 'housing+screen', 0.009],
    ]);
    expect(r.blockers[0]?.costShare).toBeCloseTo(0.4845 / 1.75, 12);
  });
});

describe('a "compostable" paper cup with a PE lining', () => {
  const cup: ProductDesign = {
    components: [
      { id: 'body', material: 'fibre/paper', massKg: 0.01 },
      { id: 'lining', material: 'polymer/LDPE', massKg: 0.001 },
    ],
    joins: [{ a: 'body', b: 'lining', method: 'inseparable' }],
  };

  it('the lining keeps it out of the composter and the paper mill: nothing is recovered', () => {
    const r = assessRecyclability(cup, all);
    expect(r.share).toBe(0);
    expect(r.parts[0]?.refusedBy['composting']).toBe('it does not accept polymer/LDPE (lining)');
    expect(r.parts[0]?.refusedBy['mechanical']).toBe('it cannot separate polymer/LDPE (lining) from fibre/paper');
    expect(r.parts[0]?.refusedBy['chemical-pyrolysis']).toBe('fibre/* is 90.9% of the part; it tolerates 5%');
    // Unlined: the paper composts (0.01 × 1) and the PE goes to molecular disassembly (0.001 × 0.85).
    expect(kinds(r)).toEqual([['inseparable-join', 'body+lining', 0.01085]]);
    expect(r.blockers[0]?.costShare).toBeCloseTo(0.01085 / 0.011, 12); // 98.6% of the cup
  });
});

describe('bad designs', () => {
  it('are refused with what is wrong', () => {
    const one = (over: Partial<ProductDesign>) => () =>
      assessRecyclability({ components: [{ id: 'a', material: 'polymer/PET', massKg: 1 }], joins: [], ...over }, all);
    expect(one({ components: [] })).toThrow(/at least one component/);
    expect(one({ components: [{ id: 'a', material: 'polymer/PET', massKg: -1 }] })).toThrow(
      /mass -1 kg; a mass must be positive/,
    );
    expect(one({ joins: [{ a: 'a', b: 'z', method: 'hand' }] })).toThrow(/names component "z"/);
  });
});
