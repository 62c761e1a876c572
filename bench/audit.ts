/**
 * Benchmark "audit": the whole audit (`runAudit`: every rule over every EPCIS
 * event statement in the log, read from the log itself) on a log of N honest
 * events from ten recycling plants (receipts of bales with their composition,
 * mechanical recycling, shipments of flakes, monthly stock-takings), on SQLite
 * and PostgreSQL, plus building and verifying one finding's evidence bundle (a
 * mass gain planted in the last transformation). The events go in as signed
 * statements through the real way in (`log.ingest.statements.submit`), which
 * is timed too but is the statements benchmark's subject, not this one's.
 */
import path from 'node:path';
import { findingEvidence, runAudit } from '../src/app/audit-service.js';
import { initLog, openLog } from '../src/app/log-service.js';
import { verifyEvidence } from '../src/audit/evidence.js';
import { BIZSTEP_MECHANICAL_RECYCLING, eventHashId } from '../src/epcis/index.js';
import { ed25519NoteKey } from '../src/ledger/note.js';
import type { JsonValue } from '../src/statements/canonical-json.js';
import { signStatement } from '../src/statements/statement.js';
import { type BenchContext, errorMessage, removeDir, type StoreKind, wanted } from './fixtures.js';
import { int, ms, type ResultRow } from './report.js';

const TARGET_1M_MS = 10_000;
const PLANTS = 10;
const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { matterlog: 'https://w3id.org/matterlog/voc/' },
];
const recycler = ed25519NoteKey('recycler.bench.example', new Uint8Array(32).fill(81));

/** N events: per plant and round, a receipt, a transformation and a shipment; a stock count every tenth round. */
function* honestEvents(n: number, startMs: number, plantGain = false): Generator<string> {
  let made = 0;
  const sign = (event: Record<string, unknown>) =>
    signStatement(
      {
        v: 1,
        kind: 'epcis.event',
        issuer: recycler.signer.name,
        issued: new Date().toISOString(),
        body: { event, eventID: eventHashId(event, CONTEXT), context: CONTEXT } as JsonValue,
      },
      [recycler.signer],
    );
  const at = (ms: number, plant: string, spec: Record<string, unknown>) => ({
    type: 'ObjectEvent',
    eventTime: new Date(ms).toISOString(),
    eventTimeZoneOffset: '+00:00',
    readPoint: { id: plant },
    bizLocation: { id: plant },
    ...spec,
  });
  for (let round = 0; made < n; round++) {
    for (let p = 0; p < PLANTS && made < n; p++) {
      const notes: string[] = [];
      const plant = `urn:epc:id:sgln:4012345.${String(p + 1).padStart(5, '0')}.0`;
      const t = startMs + round * 3_600_000 + p * 60_000;
      const bales = `urn:epc:class:lgtin:4012345.099001.R${round}P${p}`;
      const flakes = `urn:epc:class:lgtin:4012345.099002.R${round}P${p}`;
      if (round % 10 === 0) {
        notes.push(sign(at(t, plant, { action: 'OBSERVE', bizStep: 'cycle_counting', epcList: [], quantityList: [] })));
      }
      notes.push(
        sign(
          at(t + 1000, plant, {
            action: 'ADD',
            bizStep: 'receiving',
            epcList: [],
            quantityList: [{ epcClass: bales, quantity: 10_000, uom: 'KGM' }],
            ilmd: { 'matterlog:composition': { 'polymer/PET': 0.9, 'fibre/paper': 0.1 } },
          }),
        ),
      );
      const last = plantGain && made + notes.length + 2 >= n;
      notes.push(
        sign({
          type: 'TransformationEvent',
          eventTime: new Date(t + 2000).toISOString(),
          eventTimeZoneOffset: '+00:00',
          inputQuantityList: [{ epcClass: bales, quantity: 10_000, uom: 'KGM' }],
          outputQuantityList: [{ epcClass: flakes, quantity: last ? 10_500 : 6000, uom: 'KGM' }],
          bizStep: BIZSTEP_MECHANICAL_RECYCLING,
          readPoint: { id: plant },
          bizLocation: { id: plant },
          ilmd: { 'matterlog:composition': { 'polymer/PET': 1 } },
        }),
      );
      notes.push(
        sign(
          at(t + 3000, plant, {
            action: 'OBSERVE',
            bizStep: 'shipping',
            epcList: [],
            quantityList: [{ epcClass: flakes, quantity: last ? 10_500 : 6000, uom: 'KGM' }],
          }),
        ),
      );
      for (const note of notes) {
        if (made >= n) return;
        made++;
        yield note;
      }
    }
  }
}

async function runCase(ctx: BenchContext, kind: StoreKind, events: number): Promise<ResultRow> {
  const name = `${kind} ${int(events)} events`;
  const params: ResultRow['params'] = { store: kind, events, plants: PLANTS };
  if (kind === 'postgres' && !ctx.pg.available) {
    return { bench: 'audit', name, params, metrics: {}, summary: '', skipped: ctx.pg.reason ?? 'no PostgreSQL' };
  }
  const dir = path.join(ctx.scratchDir, `audit-${kind}-${events}`);
  removeDir(dir);
  const storeOptions =
    kind === 'postgres' ? { databaseUrl: ctx.pgUrl, databaseSchema: `bench_${ctx.runId}_audit_${events}` } : {};
  try {
    await initLog(dir, { origin: 'bench.matterlog.example/audit', ...storeOptions });
    const log = await openLog({ dir, sequence: true, ingest: { rateLimit: { perSecond: 0, burst: 1 } } });
    try {
      const ingest = log.ingest;
      if (!ingest) throw new Error('the log opened without ingest');
      await ingest.actors.add({ name: recycler.signer.name, role: 'recycler', vkey: recycler.vkey });
      // Signed a thousand at a time, as they are submitted: a million notes at once would fill the heap.
      let ingestMs = 0;
      let batch: string[] = [];
      const submit = async () => {
        const t0 = performance.now();
        await ingest.statements.submit(batch);
        ingestMs += performance.now() - t0;
        batch = [];
      };
      for (const note of honestEvents(events, Date.now() + 60_000, true)) {
        batch.push(note);
        if (batch.length === 1000) await submit();
      }
      if (batch.length > 0) await submit();
      let t = performance.now();
      const report = await runAudit(log);
      const auditMs = performance.now() - t;
      const planted = report.findings.find((f) => f.rule === 'transformation-mass-gain');
      let bundleMs = Number.NaN;
      let verifyMs = Number.NaN;
      if (planted) {
        t = performance.now();
        const bundle = await findingEvidence(log, planted.id);
        bundleMs = performance.now() - t;
        t = performance.now();
        const checked = verifyEvidence(JSON.parse(JSON.stringify(bundle)), { logVkey: log.identity.vkey });
        verifyMs = performance.now() - t;
        if (!checked.ok)
          throw new Error(`the planted finding's bundle did not verify: ${checked.notProved.join('; ')}`);
      }
      const rules = [...new Set(report.findings.map((f) => f.rule))].sort().join(', ');
      const row: ResultRow = {
        bench: 'audit',
        name,
        params: { ...params, findings: report.findings.length },
        metrics: { auditMs, eventsPerSec: (events / auditMs) * 1000, ingestMs, bundleMs, verifyMs },
        summary: `audit ${ms(auditMs)} ms (${int((events / auditMs) * 1000)} events/s), ${report.findings.length} findings (${rules}); bundle ${ms(bundleMs)} ms, verify ${ms(verifyMs)} ms; ingest ${ms(ingestMs / 1000)} s`,
      };
      if (events === 1_000_000) row.target = { text: `≤ ${int(TARGET_1M_MS)} ms`, met: auditMs <= TARGET_1M_MS };
      return row;
    } finally {
      await log.close();
    }
  } catch (e) {
    return { bench: 'audit', name, params, metrics: {}, summary: '', skipped: `failed: ${errorMessage(e)}` };
  } finally {
    removeDir(dir);
  }
}

export async function benchAudit(ctx: BenchContext): Promise<void> {
  const sizes = ctx.quick ? [5_000] : [100_000, 1_000_000];
  for (const kind of ['sqlite', 'postgres'] as const) {
    for (const n of sizes) {
      const name = `${kind} ${int(n)} events`;
      if (wanted(ctx, name)) ctx.emit(await runCase(ctx, kind, n));
    }
  }
}
