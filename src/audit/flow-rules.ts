/**
 * Audit rules over material flows (flows.ts):
 *
 * - `mass-balance`: between two stock-takings at a facility (the counting events
 *   at one eventTime are one stock-taking), per material,
 *   opening stock + received + produced − shipped − consumed − lost should be
 *   the closing stock. What is beyond the tolerance vanished (positive) or came
 *   from nowhere (negative). A class's material comes from its composition;
 *   a class without one is balanced on its own. Facilities that never count
 *   their stock cannot be balanced and are reported as such, not judged.
 * - `overdrawn-lot`: at a facility, more of a lot (class) shipped, consumed or
 *   lost than it ever held (received, produced, or counted): a lot consumed
 *   twice, or material from nowhere when it never held any.
 * - `shipment-not-received`: a shipment to a destination with no matching
 *   receipt there within the transit time; `unregistered-recipient` and
 *   `non-recycling-recipient`: a shipment declared for recycling to a place
 *   that is not a registered facility, or is one that does not recycle.
 */
import { DISP_FOR_RECYCLING } from '../epcis/index.js';
import type { Finding, Severity } from './event-rules.js';
import type { Flow } from './flows.js';

export type FlowRuleId =
  | 'mass-balance'
  | 'overdrawn-lot'
  | 'shipment-not-received'
  | 'unregistered-recipient'
  | 'non-recycling-recipient';

export interface FlowFinding extends Omit<Finding, 'rule'> {
  rule: FlowRuleId;
}

export interface FlowRuleConfig {
  /** Imbalance allowed, as a share of what passed through (opening stock + in), plus an absolute floor in kg. */
  massBalanceShare: number;
  massBalanceKg: number;
  /** Overdraw allowed before a finding, kg (scales). */
  overdrawKg: number;
  /** Days a shipment may take to be received. */
  transitDays: number;
  /** Share of a shipment that may go missing in transit (weighing differences). */
  transitShortfallShare: number;
}

export const DEFAULT_FLOW_RULES: FlowRuleConfig = {
  massBalanceShare: 0.02,
  massBalanceKg: 10,
  overdrawKg: 1,
  transitDays: 30,
  transitShortfallShare: 0.02,
};

/** Facility types that recycle what they receive (or sort it for recycling). */
export const RECYCLING_FACILITIES = new Set(['recycling', 'sorting', 'composting']);

const iso = (ms: number) => new Date(ms).toISOString();
/** Most statements a finding cites (its bundle holds them all, each with a proof). */
export const MAX_CITED = 500;
const cite = (xs: Iterable<number>) => [...new Set(xs)].sort((a, b) => a - b).slice(0, MAX_CITED);
const severityOf = (share: number): Severity => (share > 0.2 ? 'high' : share > 0.05 ? 'medium' : 'low');

/** Mass fraction per material of a class; a class without composition is its own material. */
export type Compositions = ReadonlyMap<string, Readonly<Record<string, number>>>;

function split(c: Compositions, epcClass: string, kg: number): [string, number][] {
  const comp = c.get(epcClass);
  if (!comp) return [[`class:${epcClass}`, kg]];
  return Object.entries(comp).map(([m, share]) => [m, share * kg]);
}

interface Snapshot {
  timeMs: number;
  stock: Map<string, number>;
  /** The stock-taking events of this count. */
  indices: number[];
}

export function massBalance(
  flows: readonly Flow[],
  compositions: Compositions,
  config: FlowRuleConfig,
): {
  findings: FlowFinding[];
  unbalanced: string[];
} {
  // One pass: flows arrive sorted by time, so each facility's list is too, and
  // each flow falls in at most one interval between consecutive stock-takings.
  const byFacility = new Map<string, Flow[]>();
  for (const f of flows) {
    const list = byFacility.get(f.facility);
    if (list) list.push(f);
    else byFacility.set(f.facility, [f]);
  }
  const findings: FlowFinding[] = [];
  const unbalanced: string[] = [];
  for (const [facility, list] of byFacility) {
    // A stock-taking is a snapshot: its flows are the stock of each class then. The
    // stock-taking events of one facility at one eventTime are one count (a large
    // site records its count in several events, one log entry holding at most 64 KiB).
    const snapshots = new Map<number, Snapshot>();
    for (const f of list) {
      if (f.kind !== 'stock') continue;
      let snap = snapshots.get(f.eventTimeMs);
      if (!snap) {
        snap = { timeMs: f.eventTimeMs, stock: new Map(), indices: [] };
        snapshots.set(f.eventTimeMs, snap);
      }
      if (snap.indices.at(-1) !== f.index) snap.indices.push(f.index);
      for (const [m, kg] of split(compositions, f.epcClass, f.kg)) snap.stock.set(m, (snap.stock.get(m) ?? 0) + kg);
    }
    const counts = [...snapshots.values()];
    if (counts.length < 2) {
      unbalanced.push(facility);
      continue;
    }
    let next = 0;
    for (let k = 1; k < counts.length; k++) {
      const open = counts[k - 1] as Snapshot;
      const close = counts[k] as Snapshot;
      const sums = new Map<string, { in: number; out: number; cited: number[] }>();
      while (next < list.length && (list[next] as Flow).eventTimeMs < open.timeMs) next++;
      for (; next < list.length && (list[next] as Flow).eventTimeMs < close.timeMs; next++) {
        const f = list[next] as Flow;
        if (f.kind === 'stock') continue;
        for (const [m, kg] of split(compositions, f.epcClass, f.kg)) {
          let s = sums.get(m);
          if (!s) {
            s = { in: 0, out: 0, cited: [] };
            sums.set(m, s);
          }
          if (f.kind === 'received' || f.kind === 'produced') s.in += kg;
          else s.out += kg;
          s.cited.push(f.index);
        }
      }
      const materials = new Set([...sums.keys(), ...open.stock.keys(), ...close.stock.keys()]);
      for (const m of [...materials].sort()) {
        const s = sums.get(m) ?? { in: 0, out: 0, cited: [] };
        const opening = open.stock.get(m) ?? 0;
        const closing = close.stock.get(m) ?? 0;
        const imbalance = opening + s.in - s.out - closing;
        const through = opening + s.in;
        const allowed = config.massBalanceShare * through + config.massBalanceKg;
        if (Math.abs(imbalance) <= allowed) continue;
        findings.push({
          rule: 'mass-balance',
          severity: severityOf(Math.abs(imbalance) / Math.max(through, 1)),
          subject: { facility, material: m, from: iso(open.timeMs), to: iso(close.timeMs) },
          message: `${facility}, ${m}, ${iso(open.timeMs)} to ${iso(close.timeMs)}: opening stock ${opening} kg + in ${s.in} kg − out ${s.out} kg − closing stock ${closing} kg = ${imbalance} kg ${imbalance > 0 ? 'unaccounted for (vanished)' : 'more than came in (from nowhere)'}, beyond the ${allowed} kg allowed`,
          numbers: {
            openingKg: opening,
            inKg: s.in,
            outKg: s.out,
            closingKg: closing,
            imbalanceKg: imbalance,
            allowedKg: allowed,
          },
          statements: cite([...open.indices, ...close.indices, ...s.cited]),
        });
      }
    }
  }
  return { findings, unbalanced };
}

export function overdrawnLots(flows: readonly Flow[], config: FlowRuleConfig): FlowFinding[] {
  const held = new Map<string, { kg: number; everIn: number; countMs: number; cited: number[]; flagged: boolean }>();
  const findings: FlowFinding[] = [];
  for (const f of flows) {
    const key = `${f.facility}\u0000${f.epcClass}`;
    const h = held.get(key) ?? { kg: 0, everIn: 0, countMs: Number.NaN, cited: [], flagged: false };
    held.set(key, h);
    h.cited.push(f.index);
    if (f.kind === 'stock') {
      // Counting events at one time are one count: a lot counted in two bins is their sum.
      h.kg = f.eventTimeMs === h.countMs ? h.kg + f.kg : f.kg;
      h.countMs = f.eventTimeMs;
      h.everIn = Math.max(h.everIn, h.kg);
      continue;
    }
    if (f.kind === 'received' || f.kind === 'produced') {
      h.kg += f.kg;
      h.everIn += f.kg;
      continue;
    }
    h.kg -= f.kg;
    if (h.kg < -config.overdrawKg && !h.flagged) {
      h.flagged = true;
      const nowhere = h.everIn === 0;
      findings.push({
        rule: 'overdrawn-lot',
        severity: nowhere ? 'high' : severityOf(-h.kg / Math.max(h.everIn, 1)),
        subject: { facility: f.facility, epcClass: f.epcClass, at: iso(f.eventTimeMs) },
        message: nowhere
          ? `${f.facility} ${f.kind} ${f.kg} kg of ${f.epcClass}, which it never received, produced or counted: material from nowhere`
          : `${f.facility} has drawn ${-h.kg} kg more of ${f.epcClass} than it ever held (${h.everIn} kg in): a lot used twice or overstated`,
        numbers: { everInKg: h.everIn, overdrawnKg: -h.kg, lastDrawKg: f.kg },
        statements: cite(h.cited),
      });
    }
  }
  return findings;
}

export function unreceivedShipments(
  flows: readonly Flow[],
  facilities: ReadonlyMap<string, string>,
  config: FlowRuleConfig,
): FlowFinding[] {
  const receipts = new Map<string, Flow[]>();
  for (const f of flows) {
    if (f.kind !== 'received') continue;
    const key = `${f.facility}\u0000${f.epcClass}`;
    const list = receipts.get(key);
    if (list) list.push(f);
    else receipts.set(key, [f]);
  }
  const used = new Map<Flow, number>();
  const findings: FlowFinding[] = [];
  const windowMs = config.transitDays * 86_400_000;
  for (const s of flows) {
    if (s.kind !== 'shipped' || !s.destination) continue;
    let got = 0;
    const cited = [s.index];
    for (const r of receipts.get(`${s.destination}\u0000${s.epcClass}`) ?? []) {
      if (got >= s.kg || r.eventTimeMs < s.eventTimeMs || r.eventTimeMs > s.eventTimeMs + windowMs) continue;
      const left = r.kg - (used.get(r) ?? 0);
      if (left <= 0) continue;
      const take = Math.min(left, s.kg - got);
      used.set(r, (used.get(r) ?? 0) + take);
      got += take;
      cited.push(r.index);
    }
    const subject = {
      facility: s.facility,
      destination: s.destination,
      epcClass: s.epcClass,
      shipped: iso(s.eventTimeMs),
    };
    if (got < s.kg * (1 - config.transitShortfallShare)) {
      findings.push({
        rule: 'shipment-not-received',
        severity: got === 0 ? 'high' : 'medium',
        subject,
        message: `${s.kg} kg of ${s.epcClass} shipped from ${s.facility} to ${s.destination} on ${iso(s.eventTimeMs)}; ${got} kg received there within ${config.transitDays} days`,
        numbers: { shippedKg: s.kg, receivedKg: got, missingKg: s.kg - got, transitDays: config.transitDays },
        statements: cite(cited),
      });
    }
    if (s.disposition === DISP_FOR_RECYCLING) {
      const type = facilities.get(s.destination);
      if (type === undefined || !RECYCLING_FACILITIES.has(type)) {
        findings.push({
          rule: type === undefined ? 'unregistered-recipient' : 'non-recycling-recipient',
          severity: 'high',
          subject,
          message:
            type === undefined
              ? `${s.kg} kg of ${s.epcClass} declared as sent for recycling to ${s.destination}, which is not a registered facility`
              : `${s.kg} kg of ${s.epcClass} declared as sent for recycling to ${s.destination}, a ${type} facility`,
          numbers: { shippedKg: s.kg },
          statements: [s.index],
        });
      }
    }
  }
  return findings;
}
