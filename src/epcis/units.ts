/**
 * UN/CEFACT Recommendation 20 mass units, converted to kilograms.
 *
 * Mass balance is summed in kilograms, so every quantity that is a mass must
 * convert exactly and every quantity that is not (litres, pieces, a bare count)
 * must say so rather than be guessed at. In EPCIS a quantityElement without a
 * uom counts instances: it is never a mass.
 */

export interface MassUnit {
  code: string;
  name: string;
  /** Kilograms per unit, as a decimal string: the exact definition. */
  kilograms: string;
}

/**
 * Decimal SI sub-multiples divide by a power of ten (one rounding, so 3 HGM is
 * exactly 0.3 kg as JavaScript prints it); everything else multiplies by its
 * exact defining factor.
 */
type Conversion = { mul: number } | { div: number };

const UNITS: Record<string, MassUnit & { conv: Conversion }> = {
  KGM: { code: 'KGM', name: 'kilogram', kilograms: '1', conv: { mul: 1 } },
  TNE: { code: 'TNE', name: 'tonne (metric ton)', kilograms: '1000', conv: { mul: 1000 } },
  '2U': { code: '2U', name: 'megagram', kilograms: '1000', conv: { mul: 1000 } },
  DTN: { code: 'DTN', name: 'decitonne (quintal)', kilograms: '100', conv: { mul: 100 } },
  KTN: { code: 'KTN', name: 'kilotonne', kilograms: '1000000', conv: { mul: 1_000_000 } },
  HGM: { code: 'HGM', name: 'hectogram', kilograms: '0.1', conv: { div: 10 } },
  DJ: { code: 'DJ', name: 'decagram', kilograms: '0.01', conv: { div: 100 } },
  GRM: { code: 'GRM', name: 'gram', kilograms: '0.001', conv: { div: 1000 } },
  DG: { code: 'DG', name: 'decigram', kilograms: '0.0001', conv: { div: 10_000 } },
  CGM: { code: 'CGM', name: 'centigram', kilograms: '0.00001', conv: { div: 100_000 } },
  MGM: { code: 'MGM', name: 'milligram', kilograms: '0.000001', conv: { div: 1_000_000 } },
  MC: { code: 'MC', name: 'microgram', kilograms: '0.000000001', conv: { div: 1_000_000_000 } },
  // The international avoirdupois pound is defined as exactly 0.45359237 kg (1959).
  LBR: { code: 'LBR', name: 'pound (avoirdupois)', kilograms: '0.45359237', conv: { mul: 0.45359237 } },
  ONZ: {
    code: 'ONZ',
    name: 'ounce (avoirdupois, 1/16 lb)',
    kilograms: '0.028349523125',
    conv: { mul: 0.028349523125 },
  },
  APZ: { code: 'APZ', name: 'troy ounce', kilograms: '0.0311034768', conv: { mul: 0.0311034768 } },
  STN: { code: 'STN', name: 'short ton (2000 lb)', kilograms: '907.18474', conv: { mul: 907.18474 } },
  LTN: { code: 'LTN', name: 'long ton (2240 lb)', kilograms: '1016.0469088', conv: { mul: 1016.0469088 } },
};

/** The mass units matterlog converts, for documentation and `matterlog units`. */
export const MASS_UNITS: readonly MassUnit[] = Object.values(UNITS).map(({ code, name, kilograms }) => ({
  code,
  name,
  kilograms,
}));

export function isMassUnit(uom: string | null | undefined): boolean {
  return typeof uom === 'string' && Object.hasOwn(UNITS, uom);
}

/**
 * `quantity` in `uom`, in kilograms; null when the unit is not a mass (LTR, MTQ,
 * EA, C62, …), when there is no unit (a count of instances), or when the quantity
 * is not a finite number.
 */
export function toKilograms(quantity: number, uom: string | null | undefined): number | null {
  if (!Number.isFinite(quantity) || typeof uom !== 'string' || !Object.hasOwn(UNITS, uom)) return null;
  const conv = (UNITS[uom] as { conv: Conversion }).conv;
  return 'mul' in conv ? quantity * conv.mul : quantity / conv.div;
}
