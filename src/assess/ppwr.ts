/**
 * EU Packaging and Packaging Waste Regulation (Regulation (EU) 2025/40, Art. 6
 * and Annex II Table 3): the design-for-recycling performance grade of a
 * packaging unit from its recyclable share by weight, and what each grade
 * means on the market in 2030 and 2038.
 */
import { MatterlogError } from '../ledger/errors.js';

export type PpwrGrade = 'A' | 'B' | 'C' | 'non-recyclable';

export interface PpwrAssessment {
  grade: PpwrGrade;
  /** The recyclable share assessed, in percent. */
  sharePercent: number;
  /** The lowest share of this grade, in percent (null below C). */
  gradeMinimumPercent: number | null;
  /** What the grade allows from 2030 and from 2038. */
  from2030: string;
  from2038: string;
}

/** Lower bounds, in percent, from Annex II Table 3. */
export const PPWR_THRESHOLDS: readonly { grade: Exclude<PpwrGrade, 'non-recyclable'>; minPercent: number }[] = [
  { grade: 'A', minPercent: 95 },
  { grade: 'B', minPercent: 80 },
  { grade: 'C', minPercent: 70 },
];

export const PPWR_SOURCE = 'Regulation (EU) 2025/40, Art. 6(3) and Annex II Table 3';

/**
 * The grade of a recyclable share given as a fraction in [0, 1]. Shares are
 * compared in percent rounded to a millionth of a point, so that 0.95
 * computed as a sum of masses is not graded B for a floating-point ulp.
 */
export function ppwrGrade(share: number): PpwrAssessment {
  if (!Number.isFinite(share) || share < 0 || share > 1) {
    throw new MatterlogError('invalid_input', `a recyclable share is a fraction from 0 to 1, not ${share}`);
  }
  const pct = Math.round(share * 100 * 1e6) / 1e6;
  const hit = PPWR_THRESHOLDS.find((t) => pct >= t.minPercent);
  if (!hit) {
    return {
      grade: 'non-recyclable',
      sharePercent: pct,
      gradeMinimumPercent: null,
      from2030:
        'technically non-recyclable: may not be placed on the EU market (save the Art. 6(10) and 6(11) exemptions)',
      from2038: 'may not be placed on the EU market',
    };
  }
  return {
    grade: hit.grade,
    sharePercent: pct,
    gradeMinimumPercent: hit.minPercent,
    from2030: 'may be placed on the EU market (grades A to C)',
    from2038:
      hit.grade === 'C'
        ? 'may NOT be placed on the EU market from 2038-01-01: only grades A and B remain allowed'
        : 'may be placed on the EU market (grades A and B)',
  };
}
