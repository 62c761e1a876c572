/**
 * The memory read model's event queries and quantity totals: plain filters and
 * sums over its rows, the reference for what the SQL drivers compute with
 * indexes and GROUP BY.
 */
import type { EventEpcRow, EventQuery, EventRow, QuantityQuery, QuantityTotal } from '../read-model.js';
import type { StoredClassRow } from '../read-model-batch.js';
import { compareText } from '../read-model-reads.js';

function oneOf(list: readonly string[] | undefined, value: string | null): boolean {
  return list === undefined || (value !== null && list.includes(value));
}

function inRange(t: number, from: number | undefined, to: number | undefined): boolean {
  return (from === undefined || t >= from) && (to === undefined || t < to);
}

/** Whether event `e`, with its EPC and class rows, meets every condition of `q`. */
export function eventMatches(
  e: EventRow,
  epcs: readonly EventEpcRow[],
  classes: readonly StoredClassRow[],
  q: EventQuery,
): boolean {
  if (
    !oneOf(q.eventTypes, e.eventType) ||
    !oneOf(q.actions, e.action) ||
    !oneOf(q.bizSteps, e.bizStep) ||
    !oneOf(q.dispositions, e.disposition) ||
    !oneOf(q.readPoints, e.readPoint) ||
    !oneOf(q.bizLocations, e.bizLocation) ||
    !oneOf(q.actors, e.actor) ||
    !inRange(e.eventTimeMs, q.eventTimeFromMs, q.eventTimeToMs) ||
    !inRange(e.recordTimeMs, q.recordTimeFromMs, q.recordTimeToMs)
  ) {
    return false;
  }
  return (
    (q.epcs ?? []).every((m) => epcs.some((r) => m.fields.includes(r.field) && m.values.includes(r.epc))) &&
    (q.classes ?? []).every((m) => classes.some((r) => m.fields.includes(r.field) && m.values.includes(r.epcClass)))
  );
}

/** Kilograms per facility × class × field of the class rows (in log order) that `q` selects. */
export function quantityTotals(rows: Iterable<StoredClassRow>, q: QuantityQuery): QuantityTotal[] {
  const groups = new Map<string, QuantityTotal & { seen: Set<number> }>();
  for (const c of rows) {
    if (c.kg === null || !inRange(c.eventTimeMs, q.fromMs, q.toMs)) continue;
    if (q.facility !== undefined && c.facility !== q.facility) continue;
    if (q.epcClass !== undefined && c.epcClass !== q.epcClass) continue;
    const key = JSON.stringify([c.facility, c.epcClass, c.field]);
    let g = groups.get(key);
    if (!g) {
      g = { facility: c.facility, epcClass: c.epcClass, field: c.field, kg: 0, events: 0, seen: new Set() };
      groups.set(key, g);
    }
    g.kg += c.kg;
    g.seen.add(c.index);
  }
  return [...groups.values()]
    .map(({ seen, ...g }) => ({ ...g, events: seen.size }))
    .sort(
      (a, b) =>
        (a.facility === null ? -1 : 0) - (b.facility === null ? -1 : 0) ||
        compareText(a.facility ?? '', b.facility ?? '') ||
        compareText(a.epcClass, b.epcClass) ||
        compareText(a.field, b.field),
    );
}
