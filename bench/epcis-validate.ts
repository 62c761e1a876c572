/**
 * Benchmark "epcis": EPCIS 2.0 documents validated (the official GS1 JSON
 * Schema through Ajv, plus the checks the schema cannot make) and hashed (the
 * CBV 2.0 event hash ID of every event) per second, in-process, on one thread,
 * with the node:crypto provider. Documents of 10 events and of 1 event, each
 * from a pool of distinct, valid documents built before timing; validation
 * only and hashing only show how the time splits. One more case does what
 * `POST /statements` does per statement: validate one event, recompute its ID.
 * Each case is timed three times for 1 s (250 ms with --quick), after a
 * warm-up, and the median is reported.
 *
 * Also the event builder statements-http signs its statements over: distinct,
 * valid recycling ObjectEvents of about 700 bytes of JSON.
 */
import { epcisValidators, eventHashId, validateEpcisDocument, validateEpcisEvent } from '../src/epcis/index.js';
import { type BenchContext, collectGarbage, errorMessage, median, wanted } from './fixtures.js';
import { int, type ResultRow } from './report.js';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const PLANT = 'urn:epc:id:sgln:4012345.00007.0';
const EPCS_PER_EVENT = 6;
/** 2045-03-01T00:00:00Z: one second per event from there, so eventTime differs between events. */
const EPOCH_MS = Date.UTC(2045, 2, 1);

/**
 * Event `i`: a recycling plant receiving EPC-tagged bales, with a lot quantity
 * in tonnes. Distinct per `i` (eventTime, EPC serials, quantity), so every event
 * has its own hash ID.
 */
export function benchEvent(i: number): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: new Date(EPOCH_MS + i * 1000).toISOString(),
    eventTimeZoneOffset: '+01:00',
    epcList: Array.from(
      { length: EPCS_PER_EVENT },
      (_, k) => `urn:epc:id:sgtin:4012345.011111.${i * EPCS_PER_EVENT + k + 1}`,
    ),
    action: 'OBSERVE',
    bizStep: 'receiving',
    disposition: 'in_progress',
    readPoint: { id: PLANT },
    bizLocation: { id: PLANT },
    quantityList: [
      { epcClass: 'urn:epc:class:lgtin:4012345.099001.BALE42', quantity: 1 + (i % 1000) / 100, uom: 'TNE' },
    ],
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:4012345000009:PO-${i}` }],
  };
}

export function benchDocument(events: Record<string, unknown>[]): Record<string, unknown> {
  return {
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2045-03-01T10:00:00.000Z',
    epcisBody: { eventList: events },
  };
}

type Op = 'validate + hash' | 'validate' | 'hash';

interface EpcisCase {
  name: string;
  /** Events per document; 0 = bare events, as a statement carries them (validateEpcisEvent). */
  eventsPerDocument: number;
  op: Op;
}

const CASES: EpcisCase[] = [
  { name: '10-event documents, validate + hash', eventsPerDocument: 10, op: 'validate + hash' },
  { name: '1-event documents, validate + hash', eventsPerDocument: 1, op: 'validate + hash' },
  { name: '10-event documents, validate only', eventsPerDocument: 10, op: 'validate' },
  { name: '10-event documents, hash only', eventsPerDocument: 10, op: 'hash' },
  { name: '1-event documents, validate only', eventsPerDocument: 1, op: 'validate' },
  { name: '1-event documents, hash only', eventsPerDocument: 1, op: 'hash' },
  { name: 'single events (as in a statement), validate + hash', eventsPerDocument: 0, op: 'validate + hash' },
];

/** Timed runs per case (1 s each; 250 ms with --quick); the median is reported. */
const REPEATS = 3;

/** Distinct documents per pool: enough that no caching below us could make the figures. */
const POOL_EVENTS = 20_000;

let sink = 0;

function work(c: EpcisCase, item: Record<string, unknown>): void {
  if (c.eventsPerDocument === 0) {
    if (c.op !== 'hash') validateEpcisEvent(item);
    if (c.op !== 'validate') sink += eventHashId(item, [EPCIS_CONTEXT]).length;
    return;
  }
  if (c.op !== 'hash') validateEpcisDocument(item);
  if (c.op !== 'validate') {
    const context = item['@context'];
    for (const ev of (item['epcisBody'] as { eventList: unknown[] }).eventList) sink += eventHashId(ev, context).length;
  }
}

/** Runs `c` over the pool, round-robin, for `durationMs`; returns items/s. */
function timed(c: EpcisCase, pool: Record<string, unknown>[], durationMs: number): { perSec: number; items: number } {
  let n = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < durationMs) {
    // Check the clock every 50 items: performance.now() is cheap, not free.
    for (let k = 0; k < 50; k++) work(c, pool[n++ % pool.length] as Record<string, unknown>);
    now = performance.now();
  }
  return { perSec: (n / (now - t0)) * 1000, items: n };
}

function runCase(ctx: BenchContext, c: EpcisCase): ResultRow {
  const perDoc = c.eventsPerDocument;
  const poolSize = perDoc === 0 ? POOL_EVENTS : Math.ceil(POOL_EVENTS / perDoc);
  const pool = Array.from({ length: poolSize }, (_, d) =>
    perDoc === 0 ? benchEvent(d) : benchDocument(Array.from({ length: perDoc }, (_, k) => benchEvent(d * perDoc + k))),
  );
  const durationMs = ctx.quick ? 250 : 1000;
  const params = {
    eventsPerDocument: Math.max(1, perDoc),
    document: perDoc > 0,
    operation: c.op,
    eventJsonBytes: JSON.stringify(benchEvent(0)).length,
    distinctItems: poolSize,
    durationMs,
    repeats: REPEATS,
  };
  try {
    // Compile the schema and warm the JIT (and check the pool is valid) before timing.
    epcisValidators();
    for (let i = 0; i < Math.min(poolSize, 2000); i++) {
      work({ ...c, op: 'validate + hash' }, pool[i] as Record<string, unknown>);
    }
    const runs: { perSec: number; items: number }[] = [];
    for (let i = 0; i < REPEATS; i++) {
      collectGarbage();
      runs.push(timed(c, pool, durationMs));
    }
    const r = median(runs, (x) => x.perSec);
    const all = runs.map((x) => x.perSec).sort((a, b) => a - b);
    const unit = perDoc === 0 ? 'events' : 'documents';
    const eventsPerSec = r.perSec * Math.max(1, perDoc);
    return {
      bench: 'epcis',
      name: c.name,
      params,
      metrics: {
        itemsPerSec: r.perSec,
        eventsPerSec,
        usPerItem: 1e6 / r.perSec,
        usPerEvent: 1e6 / eventsPerSec,
        items: r.items,
        minItemsPerSec: all[0] as number,
        maxItemsPerSec: all[all.length - 1] as number,
      },
      summary:
        perDoc === 0
          ? `${int(r.perSec)} events/s (${(1e6 / r.perSec).toFixed(1)} µs/event)`
          : `${int(r.perSec)} ${unit}/s, ${int(eventsPerSec)} events/s (${(1e6 / eventsPerSec).toFixed(1)} µs/event)`,
    };
  } catch (e) {
    return { bench: 'epcis', name: c.name, params, metrics: {}, summary: '', skipped: `failed: ${errorMessage(e)}` };
  }
}

export async function benchEpcis(ctx: BenchContext): Promise<void> {
  for (const c of CASES) {
    if (wanted(ctx, c.name)) ctx.emit(runCase(ctx, c));
    // Let the event loop breathe between cases (output, timers).
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (sink < 0) ctx.log('(unreachable: keeps the hashes from being optimised away)');
}
