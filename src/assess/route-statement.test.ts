import { describe, expect, it } from 'vitest';
import { assessRecyclability } from './recyclability.js';
import { checkFacility, checkRoute, facilityIssues, resolveRoute, routeIssues } from './route-statement.js';
import { ROUTES, routeYield } from './routes.js';

const PLANT = 'urn:epc:id:sgln:4012345.00007.0';

describe('route statements', () => {
  it("override the base route's figures for the plant only, with the operator named as the source", () => {
    const r = resolveRoute(
      checkRoute({
        id: 'plant-7/pet-line',
        base: 'mechanical',
        facility: PLANT,
        yields: [{ material: 'polymer/PET', yield: 0.9 }],
        costEurPerTonne: 250,
        processKgCo2ePerTonne: 120,
      }),
      'recycler.example/plant-7',
    );
    expect(routeYield(r, 'polymer/PET')).toEqual({
      material: 'polymer/PET',
      yield: 0.9,
      source: 'declared by recycler.example/plant-7 in route statement "plant-7/pet-line"',
      confidence: 'declared',
    });
    const base = ROUTES.find((x) => x.id === 'mechanical');
    expect(routeYield(r, 'polymer/PP')).toEqual(base && routeYield(base, 'polymer/PP'));
    expect(r).toMatchObject({
      family: 'mechanical',
      outcome: 'recycling',
      costEurPerTonne: 250,
      energyKwhPerTonne: base?.energyKwhPerTonne,
      processKgCo2ePerTonne: 120,
      facility: PLANT,
      warmPathway: 'recycled',
    });
    expect(routeYield(base as never, 'polymer/PET')?.yield).toBe(0.68);
    // A lone 1 kg PET part through the plant's line: 0.9 kg.
    const one = assessRecyclability(
      { components: [{ id: 'a', material: 'polymer/PET', massKg: 1 }], joins: [] },
      { routes: [r] },
    );
    expect(one.recoveredKg).toBeCloseTo(0.9, 12);
  });

  it('without a base, need family, outcome and yields', () => {
    expect(routeIssues({ id: 'x/y' }).map((i) => i.pointer)).toEqual(['/family', '/outcome', '/yields']);
    const own = resolveRoute(
      checkRoute({
        id: 'x/solvent',
        family: 'chemical',
        outcome: 'recycling',
        yields: [{ material: 'polymer/*', yield: 0.8, source: 'pilot 2025' }],
        acceptsMixtures: true,
      }),
      'x',
    );
    expect(own).toMatchObject({
      acceptsMixtures: true,
      warmPathway: null,
      rejectsFeatures: [],
      capacityTonnesPerYear: null,
    });
    expect(routeYield(own, 'polymer/PS')).toMatchObject({ yield: 0.8, source: 'pilot 2025' });
  });

  it('refuse bad bodies, naming each field', () => {
    const issues = routeIssues({
      id: 'mechanical',
      base: 'nope',
      yields: [{ material: 'polymer/nope', yield: 1.2 }],
      rejectsFeatures: ['coating:gold'],
      costEurPerTonne: -1,
      colour: 'red',
    });
    expect(issues.map((i) => i.pointer)).toEqual([
      '/colour',
      '/id',
      '/base',
      '/yields/0/material',
      '/yields/0/yield',
      '/rejectsFeatures/0',
      '/costEurPerTonne',
    ]);
    expect(() => checkRoute({ id: 'a/b' })).toThrow(/the route is not valid \(3 problems\)/);
  });
});

describe('facility statements', () => {
  it('accept a site named by its location id, and refuse bad fields', () => {
    expect(checkFacility({ id: PLANT, name: 'Plant 7', type: 'recycling', country: 'DE' }).type).toBe('recycling');
    expect(
      facilityIssues({
        id: 'plant 7',
        name: '',
        type: 'shop',
        country: 'Germany',
        location: { latitude: 91, longitude: 0 },
      }).map((i) => i.pointer),
    ).toEqual(['/id', '/name', '/type', '/country', '/location']);
  });
});
