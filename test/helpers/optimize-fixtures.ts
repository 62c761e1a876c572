/**
 * A routing instance small enough to solve by hand (see optimize tests): two
 * lots of PET, a mechanical line with 10 t of capacity, a chemical plant and a
 * landfill, under a policy that prices recovered PET at 500 EUR/t.
 *
 * Per tonne (processing − value of the PET recovered):
 *   lot A (6 t, pure PET):          mech 100 − 0.8 × 500 = −300,  chem 250 − 0.9 × 500 = −200,  landfill 50
 *   lot B (8 t, 96% PET, 4% dirt):  mech 100 − 0.768 × 500 = −284, chem 250 − 0.864 × 500 = −182, landfill 50
 */
import type { RouteEntry } from '../../src/assess/routes.js';
import type { Lot, RouteOption } from '../../src/optimize/network.js';
import type { PolicyBody } from '../../src/optimize/policy.js';

const route = (over: Partial<RouteEntry> & Pick<RouteEntry, 'id' | 'family' | 'outcome'>): RouteEntry => ({
  name: over.id,
  yields: [],
  rejectsFeatures: [],
  acceptsMixtures: false,
  tolerates: [],
  warmPathway: null,
  capacityTonnesPerYear: null,
  costEurPerTonne: null,
  energyKwhPerTonne: null,
  ...over,
});

const yieldOf = (material: string, value: number) => ({
  material,
  yield: value,
  source: 'test',
  confidence: 'assumption' as const,
});

export const OPTIONS: RouteOption[] = [
  {
    id: 'mech',
    route: route({ id: 'mech', family: 'mechanical', outcome: 'recycling', yields: [yieldOf('polymer/PET', 0.8)] }),
    capacityTonnes: 10,
    costEurPerTonne: 100,
    processKgCo2ePerTonne: 0,
  },
  {
    id: 'chem',
    route: route({
      id: 'chem',
      family: 'chemical',
      outcome: 'recycling',
      yields: [yieldOf('polymer/PET', 0.9)],
      acceptsMixtures: true,
    }),
    capacityTonnes: null,
    costEurPerTonne: 250,
    processKgCo2ePerTonne: 0,
  },
  {
    id: 'landfill',
    route: route({ id: 'landfill', family: 'landfill', outcome: 'disposal', acceptsMixtures: true }),
    capacityTonnes: null,
    costEurPerTonne: 50,
    processKgCo2ePerTonne: 0,
  },
];

export const LOTS: Lot[] = [
  { id: 'A', massTonnes: 6, composition: { 'polymer/PET': 1 } },
  { id: 'B', massTonnes: 8, composition: { 'polymer/PET': 0.96 }, contamination: 0.04 },
];

export function policy(over: Partial<PolicyBody> = {}): PolicyBody {
  return {
    id: 'test/pet',
    version: 'v1',
    objective: { materialValueEurPerTonne: { 'polymer/PET': 500 } },
    transportEurPerTonneKm: 0,
    ...over,
  };
}
