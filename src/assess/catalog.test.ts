import { describe, expect, it } from 'vitest';
import { MATERIALS, material } from './materials.js';
import { covers, DESIGN_FEATURES, ROUTES, routeYield } from './routes.js';

describe('the catalog', () => {
  it('has unique material ids of the form family/name, for every family the issue names', () => {
    expect(new Set(MATERIALS.map((m) => m.id)).size).toBe(MATERIALS.length);
    for (const m of MATERIALS) expect(m.id.startsWith(`${m.family}/`), m.id).toBe(true);
    const families = new Set(MATERIALS.map((m) => m.family));
    for (const f of ['polymer', 'metal', 'glass', 'fibre', 'textile', 'organic', 'composite', 'hazardous']) {
      expect(families, f).toContain(f);
    }
    expect(MATERIALS.filter((m) => m.family === 'glass').map((m) => m.id)).toEqual([
      'glass/clear',
      'glass/green',
      'glass/brown',
    ]);
  });

  it('every route yield is a fraction with a source, for materials the catalog has', () => {
    const families = [
      'mechanical',
      'chemical',
      'molecular',
      'composting',
      'anaerobic-digestion',
      'energy-recovery',
      'landfill',
    ];
    expect(new Set(ROUTES.map((r) => r.family))).toEqual(new Set(families));
    for (const r of ROUTES) {
      for (const y of r.yields) {
        expect(y.yield, `${r.id} ${y.material}`).toBeGreaterThanOrEqual(0);
        expect(y.yield, `${r.id} ${y.material}`).toBeLessThanOrEqual(1);
        expect(y.source.length, `${r.id} ${y.material}`).toBeGreaterThan(20);
        expect(
          MATERIALS.some((m) => covers(y.material, m.id)),
          `${r.id}: ${y.material} matches no material`,
        ).toBe(true);
      }
      for (const f of r.rejectsFeatures) expect(Object.keys(DESIGN_FEATURES), `${r.id}: ${f}`).toContain(f);
      for (const t of r.tolerates)
        expect(
          MATERIALS.some((m) => covers(t.material, m.id)),
          t.material,
        ).toBe(true);
    }
  });

  it('the most specific yield wins over a family default', () => {
    const molecular = ROUTES.find((r) => r.id === 'molecular-disassembly');
    expect(molecular && routeYield(molecular, 'polymer/PET')?.yield).toBe(0.85);
    const mechanical = ROUTES.find((r) => r.id === 'mechanical');
    expect(mechanical && routeYield(mechanical, 'polymer/PET')).toMatchObject({ yield: 0.68, confidence: 'published' });
    expect(mechanical && routeYield(mechanical, 'fibre/cardboard')).toMatchObject({
      yield: 0.75,
      confidence: 'derived',
    });
    expect(mechanical && routeYield(mechanical, 'composite/multilayer-film')).toBeNull();
    expect(material('polymer/PET')?.warm?.material).toBe('PET');
  });
});
