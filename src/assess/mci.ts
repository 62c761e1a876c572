/**
 * The Ellen MacArthur Foundation's Material Circularity Indicator (2015
 * methodology, 2019 revision with biological cycles): how restorative a
 * product's material flows are, from 0.1 (linear: virgin in, landfill out, at
 * average utility) to 1 (fully circular).
 *
 *   V   = M (1 − FR − FU − FS)                 virgin feedstock
 *   W0  = M (1 − CR − CU − CC − CE)            unrecoverable waste
 *   WC  = M (1 − EC) CR                        waste from recycling at end of life
 *   WF  = M (1 − EF) FR / EF                   waste from producing the recycled feedstock
 *   W   = W0 + (WF + WC) / 2
 *   LFI = (V + W) / (2M + (WF − WC) / 2)       linear flow index
 *   X   = (L / Lav) · (U / Uav)                utility
 *   F(X) = 0.9 / X
 *   MCI = max(0, 1 − LFI · F(X))
 */
import { MatterlogError } from '../ledger/errors.js';

export interface MciInput {
  /** M: product mass (kg), > 0. */
  mass: number;
  /** FR, FU, FS: fractions of feedstock from recycled sources, from reuse, from sustained (biological) production. */
  recycledInput: number;
  reusedInput: number;
  sustainedInput: number;
  /** CR, CU, CC, CE: fractions of mass collected for recycling, for reuse, composted, sent to energy recovery. */
  collectedForRecycling: number;
  collectedForReuse: number;
  composted: number;
  energyRecovered: number;
  /** EF: efficiency of the recycling that produced the recycled feedstock, in (0, 1]. */
  feedstockRecyclingEfficiency: number;
  /** EC: efficiency of the recycling at end of life, in [0, 1]. */
  endOfLifeRecyclingEfficiency: number;
  /** L / Lav: lifetime relative to the industry average, > 0. */
  lifetimeRatio: number;
  /** U / Uav: intensity of use relative to the industry average, > 0. */
  useIntensityRatio: number;
}

export interface MciResult {
  V: number;
  W0: number;
  WC: number;
  WF: number;
  W: number;
  LFI: number;
  X: number;
  FX: number;
  /** 1 − LFI · F(X) before clamping (negative for short-lived linear products). */
  mciUnclamped: number;
  MCI: number;
}

const FRACTIONS = [
  'recycledInput',
  'reusedInput',
  'sustainedInput',
  'collectedForRecycling',
  'collectedForReuse',
  'composted',
  'energyRecovered',
  'endOfLifeRecyclingEfficiency',
] as const;

// Shares that add up to 1 in floating point may exceed it by an ulp or two.
const SUM_TOLERANCE = 1e-9;

function bad(field: string, why: string): MatterlogError {
  return new MatterlogError('invalid_input', `MCI input ${field} ${why}`, {
    details: { errors: [{ pointer: `/${field}`, reason: why }] },
  });
}

function check(input: MciInput): void {
  const positive = ['mass', 'lifetimeRatio', 'useIntensityRatio'] as const;
  for (const f of positive) {
    if (!Number.isFinite(input[f]) || input[f] <= 0) throw bad(f, `must be a positive number, not ${input[f]}`);
  }
  for (const f of FRACTIONS) {
    const v = input[f];
    if (!Number.isFinite(v) || v < 0 || v > 1) throw bad(f, `must be a fraction from 0 to 1, not ${v}`);
  }
  const ef = input.feedstockRecyclingEfficiency;
  if (!Number.isFinite(ef) || ef <= 0 || ef > 1) {
    throw bad('feedstockRecyclingEfficiency', `must be in (0, 1], not ${ef}: no recycling process is 0% efficient`);
  }
  const inputs = input.recycledInput + input.reusedInput + input.sustainedInput;
  if (inputs > 1 + SUM_TOLERANCE) {
    throw bad('recycledInput', `+ reusedInput + sustainedInput is ${inputs}; the feedstock fractions cannot exceed 1`);
  }
  const outputs = input.collectedForRecycling + input.collectedForReuse + input.composted + input.energyRecovered;
  if (outputs > 1 + SUM_TOLERANCE) {
    throw bad(
      'collectedForRecycling',
      `+ collectedForReuse + composted + energyRecovered is ${outputs}; the end-of-life fractions cannot exceed 1`,
    );
  }
}

/** The MCI and every intermediate value, so a reader can redo the arithmetic. */
export function materialCircularity(input: MciInput): MciResult {
  check(input);
  const M = input.mass;
  const FR = input.recycledInput;
  const CR = input.collectedForRecycling;
  const V = M * Math.max(0, 1 - FR - input.reusedInput - input.sustainedInput);
  const W0 = M * Math.max(0, 1 - CR - input.collectedForReuse - input.composted - input.energyRecovered);
  const WC = M * (1 - input.endOfLifeRecyclingEfficiency) * CR;
  const WF = (M * (1 - input.feedstockRecyclingEfficiency) * FR) / input.feedstockRecyclingEfficiency;
  const W = W0 + (WF + WC) / 2;
  const LFI = (V + W) / (2 * M + (WF - WC) / 2);
  const X = input.lifetimeRatio * input.useIntensityRatio;
  const FX = 0.9 / X;
  const mciUnclamped = 1 - LFI * FX;
  return { V, W0, WC, WF, W, LFI, X, FX, mciUnclamped, MCI: Math.max(0, mciUnclamped) };
}
