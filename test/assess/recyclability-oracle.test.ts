/**
 * The optimised recyclability assessment against the plain one (every
 * counterfactual a full reassessment): identical results, to the last bit, on
 * random designs — any number of components, every catalog material and design
 * feature, joins of every kind including cycles and repeats, any subset of the
 * routes, any sorting efficiency.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MATERIALS } from '../../src/assess/materials.js';
import { assessRecyclability, type JoinMethod, type ProductDesign } from '../../src/assess/recyclability.js';
import { DESIGN_FEATURES, ROUTES } from '../../src/assess/routes.js';
import { assessRecyclabilityPlainly } from '../helpers/recyclability-oracle.js';

const materials = MATERIALS.map((m) => m.id);
const features = Object.keys(DESIGN_FEATURES);
const methods: JoinMethod[] = ['hand', 'shredding', 'inseparable'];

const design: fc.Arbitrary<ProductDesign> = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    components: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          id: fc.constant(`c${i}`),
          material: fc.constantFrom(...materials),
          massKg: fc.integer({ min: 1, max: 5000 }).map((g) => g / 1000),
          features: fc.subarray(features, { maxLength: 3 }),
        }),
      ),
    ),
    joins:
      n < 2
        ? fc.constant([])
        : fc.array(
            fc
              .tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 }), fc.constantFrom(...methods))
              .filter(([a, b]) => a !== b)
              .map(([a, b, method]) => ({ a: `c${a}`, b: `c${b}`, method })),
            { maxLength: 2 * n },
          ),
  }),
);

describe('optimised recyclability assessment', () => {
  it('gives exactly what redoing the whole assessment for every counterfactual gives', () => {
    fc.assert(
      fc.property(
        design,
        fc.subarray([...ROUTES], { minLength: 1 }),
        fc.integer({ min: 50, max: 100 }),
        (d, routes, s) => {
          const options = { routes, sortingEfficiency: s / 100 };
          expect(assessRecyclability(d, options)).toEqual(assessRecyclabilityPlainly(d, options));
        },
      ),
      { numRuns: 400 },
    );
  });
});
