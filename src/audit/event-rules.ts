/**
 * Audit rules that judge one EPCIS event statement at a time (the first of
 * issue 6's rules; mass balance and the cross-event rules build on the same
 * finding shape):
 *
 * - `transformation-mass-gain`: a TransformationEvent whose outputs weigh more
 *   than its inputs, beyond the tolerance (physics: nothing comes from nowhere).
 * - `dated-before-registration`: an event whose eventTime is before its actor
 *   was registered in the log.
 * - `dated-after-revocation`: an event whose eventTime is at or after the
 *   revocation of the key that signed it (the log refuses statements issued
 *   after it, not events back- or forward-dated inside them).
 *
 * Each finding carries its numbers and the log indices of the statements they
 * come from, so an evidence bundle of those statements lets anyone recompute it.
 */
import type { EventIndexFields } from '../epcis/index.js';
import type { AuditedEvent } from './audited-event.js';

export type Severity = 'low' | 'medium' | 'high';
export type EventRuleId = 'transformation-mass-gain' | 'dated-before-registration' | 'dated-after-revocation';

export interface Finding {
  rule: EventRuleId;
  severity: Severity;
  /** What the finding is about (facility, actor, event). */
  subject: Record<string, string>;
  message: string;
  /** The arithmetic, each figure named; recomputed by whoever checks the evidence. */
  numbers: Record<string, number>;
  /** Log indices of the statements the numbers come from. */
  statements: number[];
}

export interface EventRuleConfig {
  /** Outputs may exceed inputs by this share before it is a finding (scales, moisture). Default 0.5%. */
  massGainTolerance: number;
}

export const DEFAULT_EVENT_RULES: EventRuleConfig = { massGainTolerance: 0.005 };

/** When each actor was registered, and when each of its keys stops counting. */
export interface RegistryFacts {
  registeredMs: ReadonlyMap<string, number>;
  /** `${actor} ${keyIdHex}` → revoked from (ms), for revoked keys. */
  revokedMs: ReadonlyMap<string, { fromMs: number; index: number }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Input and output mass of a TransformationEvent, kg (null when it states no mass on either side). */
export function transformationMass(f: EventIndexFields): { inputKg: number; outputKg: number } | null {
  if (f.eventType !== 'TransformationEvent') return null;
  let inputKg = 0;
  let outputKg = 0;
  let inputs = 0;
  let outputs = 0;
  for (const c of f.classes) {
    if (c.kg === null) continue;
    if (c.field === 'inputQuantity') {
      inputKg += c.kg;
      inputs++;
    } else if (c.field === 'outputQuantity') {
      outputKg += c.kg;
      outputs++;
    }
  }
  return outputs === 0 ? null : { inputKg: inputs === 0 ? 0 : inputKg, outputKg };
}

export function massGain(e: AuditedEvent, config: EventRuleConfig): Finding | null {
  if (!e.event) return null;
  const { eventID, fields: f } = e.event;
  const m = transformationMass(f);
  if (!m || m.outputKg <= m.inputKg * (1 + config.massGainTolerance)) return null;
  const gainKg = m.outputKg - m.inputKg;
  return {
    rule: 'transformation-mass-gain',
    severity: m.inputKg === 0 ? 'high' : gainKg / m.inputKg > 0.1 ? 'high' : 'medium',
    subject: { event: eventID, ...(f.bizLocation ? { facility: f.bizLocation } : {}) },
    message:
      m.inputKg === 0
        ? `a transformation produced ${m.outputKg} kg from no recorded input`
        : `a transformation produced ${m.outputKg} kg from ${m.inputKg} kg of input: ${gainKg} kg (${((100 * gainKg) / m.inputKg).toFixed(2)}%) more than went in, beyond the ${100 * config.massGainTolerance}% tolerance`,
    numbers: { inputKg: m.inputKg, outputKg: m.outputKg, gainKg, tolerance: config.massGainTolerance },
    statements: [e.index],
  };
}

export function datedOutsideRegistration(e: AuditedEvent, facts: RegistryFacts): Finding[] {
  if (!e.event) return [];
  const { eventID, fields: f, actor } = e.event;
  const out: Finding[] = [];
  const registered = facts.registeredMs.get(actor);
  if (registered !== undefined && f.eventTimeMs < registered) {
    out.push({
      rule: 'dated-before-registration',
      severity: 'medium',
      subject: { event: eventID, actor },
      message: `"${actor}" reports an event at ${iso(f.eventTimeMs)}, before it was registered in the log (${iso(registered)})`,
      numbers: {
        eventTimeMs: f.eventTimeMs,
        registeredMs: registered,
        daysBefore: (registered - f.eventTimeMs) / 86_400_000,
      },
      statements: [e.index],
    });
  }
  for (const sig of e.signers) {
    const revoked = facts.revokedMs.get(`${sig.name} ${sig.keyId}`);
    if (revoked && f.eventTimeMs >= revoked.fromMs) {
      out.push({
        rule: 'dated-after-revocation',
        severity: 'high',
        subject: { event: eventID, actor: sig.name },
        message: `an event dated ${iso(f.eventTimeMs)} is signed by a key of "${sig.name}" revoked from ${iso(revoked.fromMs)}`,
        numbers: { eventTimeMs: f.eventTimeMs, revokedFromMs: revoked.fromMs },
        statements: [e.index, revoked.index],
      });
    }
  }
  return out;
}

/** Every event rule over `events`, in log order. */
export function eventFindings(
  events: readonly AuditedEvent[],
  facts: RegistryFacts,
  config: EventRuleConfig = DEFAULT_EVENT_RULES,
): Finding[] {
  const out: Finding[] = [];
  for (const e of events) {
    if (!e.event) continue;
    const gain = massGain(e, config);
    if (gain) out.push(gain);
    out.push(...datedOutsideRegistration(e, facts));
  }
  return out;
}
