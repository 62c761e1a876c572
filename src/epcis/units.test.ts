import { describe, expect, it } from 'vitest';
import { isMassUnit, MASS_UNITS, toKilograms } from './units.js';

describe('toKilograms', () => {
  it.each([
    [1, 'KGM', 1],
    [1.5, 'TNE', 1500],
    [250, 'GRM', 0.25],
    [3, 'HGM', 0.3],
    [1, 'MGM', 0.000001],
    [2, 'DTN', 200],
    [1, 'KTN', 1_000_000],
    [1, 'LBR', 0.45359237],
    [16, 'ONZ', 0.45359237],
    [1, 'STN', 907.18474],
    [1, 'LTN', 1016.0469088],
  ])('%d %s = %d kg', (q, uom, kg) => {
    expect(toKilograms(q, uom)).toBe(kg);
  });

  it('is null for what is not a mass: volumes, pieces, a bare count', () => {
    for (const uom of ['LTR', 'MTQ', 'EA', 'C62', 'H87']) expect(toKilograms(5, uom)).toBeNull();
    expect(toKilograms(5, undefined)).toBeNull();
    expect(toKilograms(5, null)).toBeNull();
    expect(toKilograms(Number.NaN, 'KGM')).toBeNull();
    expect(toKilograms(5, 'kgm')).toBeNull();
    expect(toKilograms(5, 'constructor')).toBeNull();
  });

  it('lists its units with exact decimal factors', () => {
    expect(MASS_UNITS.map((u) => u.code)).toEqual(expect.arrayContaining(['KGM', 'TNE', 'LBR', 'STN']));
    for (const u of MASS_UNITS) expect(toKilograms(1, u.code)).toBe(Number(u.kilograms));
    expect(isMassUnit('TNE')).toBe(true);
    expect(isMassUnit('LTR')).toBe(false);
  });
});
