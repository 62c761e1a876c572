/**
 * The audit's tolerances, in one place: what each rule lets pass before it
 * raises a finding (weighing error, moisture, transit losses). They come from
 * the `audit` object of a data directory's config.json (any subset; the rest
 * keep their defaults), every audit report states the ones it used, and an
 * evidence bundle carries them so that whoever redoes a finding's arithmetic
 * redoes it under the same tolerances and can see what they were.
 */
import { MatterlogError } from '../ledger/errors.js';
import { DEFAULT_EVENT_RULES, type EventRuleConfig } from './event-rules.js';
import { DEFAULT_FLOW_RULES, type FlowRuleConfig } from './flow-rules.js';

export interface AuditTolerances extends EventRuleConfig, FlowRuleConfig {
  /** Output per material may exceed the best route's yield by this share. */
  yieldTolerance: number;
  /** Recycled-content claims may exceed the recovered supply by this share, plus `claimKg`. */
  claimShare: number;
  claimKg: number;
}

export const DEFAULT_TOLERANCES: Readonly<AuditTolerances> = Object.freeze({
  ...DEFAULT_EVENT_RULES,
  ...DEFAULT_FLOW_RULES,
  yieldTolerance: 0.02,
  claimShare: 0.02,
  claimKg: 1,
});

/** What each tolerance means and its allowed range (shares are fractions: 0.02 is 2%). */
const RANGES: Record<keyof AuditTolerances, { max: number; what: string }> = {
  massGainTolerance: { max: 1, what: 'share a transformation may gain' },
  massBalanceShare: { max: 1, what: 'share of what passed through a facility that may go unaccounted' },
  massBalanceKg: { max: 1e9, what: 'kg a balance may be off on top of that share' },
  overdrawKg: { max: 1e9, what: 'kg a lot may be overdrawn' },
  transitDays: { max: 3650, what: 'days a shipment may take to arrive' },
  transitShortfallShare: { max: 1, what: 'share of a shipment that may go missing in transit' },
  yieldTolerance: { max: 1, what: 'share above the best route yield' },
  claimShare: { max: 1, what: 'share a recycled-content claim may exceed the supply' },
  claimKg: { max: 1e9, what: 'kg a claim may exceed the supply on top of that share' },
};

/**
 * Reads tolerances (a subset is fine; `undefined` means all defaults), refusing
 * unknown names and values out of range, each with where it was found.
 */
export function checkTolerances(value: unknown, where = 'audit tolerances'): AuditTolerances {
  if (value === undefined) return { ...DEFAULT_TOLERANCES };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MatterlogError('invalid_input', `${where} must be an object such as {"massBalanceShare": 0.02}`);
  }
  const out: AuditTolerances = { ...DEFAULT_TOLERANCES };
  for (const [name, v] of Object.entries(value)) {
    const range = Object.hasOwn(RANGES, name) ? RANGES[name as keyof AuditTolerances] : undefined;
    if (!range) {
      throw new MatterlogError(
        'invalid_input',
        `${where}: "${name}" is not a tolerance; the tolerances are ${Object.keys(RANGES).join(', ')}`,
      );
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > range.max) {
      throw new MatterlogError(
        'invalid_input',
        `${where}: ${name} (the ${range.what}) must be a number from 0 to ${range.max}, not ${JSON.stringify(v)}`,
      );
    }
    out[name as keyof AuditTolerances] = v;
  }
  return out;
}

/** The tolerances that differ from the defaults, for saying what an audit or a bundle used. */
export function changedTolerances(t: AuditTolerances): Partial<AuditTolerances> {
  return Object.fromEntries(
    Object.entries(t).filter(([k, v]) => DEFAULT_TOLERANCES[k as keyof AuditTolerances] !== v),
  ) as Partial<AuditTolerances>;
}
