/**
 * Benchmark "statements-http": signed statements ingested per second through
 * the whole stack. initLog + openLog (sequencing, the rate limiter off) +
 * startServer on 127.0.0.1, on SQLite and on PostgreSQL; 16 recycler actors
 * registered with POST /actors; then POST /statements from a worker-thread
 * client, either as JSON batches ({"statements": [note, …]}, all or nothing)
 * or one text/plain statement per request. Every statement is a distinct,
 * valid `epcis.event` (an ObjectEvent with its CBV 2.0 hash ID and the EPCIS
 * context, about 1 KB as a signed note), signed before timing, so the server
 * does all of its work: parse, canonical-JSON check, signature, role, EPCIS
 * schema, hash ID, dedup lookups, sequencing (durable commit), and indexing
 * into the read model before it answers.
 *
 * Each case is one run on a fresh log, time-boxed: requests start for 8 s
 * (1.5 s with --quick), or until the pre-signed statements run out, and the
 * ones in flight then finish. At the end the log size, the read model's
 * indexed size and its count of epcis.event statements are compared with what
 * was sent; the row says so (benchmarks report, they do not assert).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { initLog, openLog } from '../src/app/log-service.js';
import { eventHashId } from '../src/epcis/index.js';
import { type Ed25519NoteKey, ed25519NoteKey } from '../src/ledger/note.js';
import { startServer } from '../src/server/http-server.js';
import type { JsonValue } from '../src/statements/canonical-json.js';
import { type Statement, signStatement } from '../src/statements/statement.js';
import { benchEvent, EPCIS_CONTEXT } from './epcis-validate.js';
import {
  type BenchContext,
  collectGarbage,
  errorMessage,
  percentiles,
  removeDir,
  type StoreKind,
  wanted,
} from './fixtures.js';
import { runLoad } from './http-load.js';
import { int, ms, type ResultRow, type Target } from './report.js';

const ACTORS = 16;
/** The target for batched ingest on this 2-core machine. */
const BATCH_TARGET = 10_000;

interface StatementsCase {
  store: StoreKind;
  /** Statements per JSON request; 0 = one text/plain statement per request. */
  perRequest: number;
  concurrency: number;
  /** At most this many statements; fewer if the time box ends the run first. */
  maxStatements: number;
  /** No request starts after this long (the ones in flight finish). */
  maxDurationMs: number;
}

/** Signed before timing: every run of every case sends a prefix of these (each run has a fresh log). */
const poolSize = (quick: boolean) => (quick ? 3_000 : 40_000);

function cases(quick: boolean): StatementsCase[] {
  const pool = poolSize(quick);
  const maxDurationMs = quick ? 1_500 : 8_000;
  const out: StatementsCase[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    // --quick is a smoke run: smaller batched runs, and no 250-statement case.
    const batched = quick ? (store === 'sqlite' ? 3_000 : 1_000) : pool;
    out.push({ store, perRequest: 1000, concurrency: 4, maxStatements: batched, maxDurationMs });
    if (!quick) out.push({ store, perRequest: 250, concurrency: 16, maxStatements: pool, maxDurationMs });
    out.push({ store, perRequest: 0, concurrency: 64, maxStatements: pool, maxDurationMs });
  }
  return out;
}

const caseName = (c: StatementsCase) =>
  c.perRequest === 0
    ? `${c.store} 1 statement/request (text/plain), ${c.concurrency} in flight`
    : `${c.store} JSON ${c.perRequest} statements/request, ${c.concurrency} in flight`;

const rate = (x: number) => (x < 10 ? x.toFixed(1) : int(x));

/** Requests a case may send. */
const requestsOf = (c: StatementsCase) => Math.floor(c.maxStatements / Math.max(1, c.perRequest));

/** The actors' keys (random seeds, made once per run) and the signed notes, built before any timing. */
interface Pool {
  actors: Ed25519NoteKey[];
  notes: string[];
}

function makeActors(): Ed25519NoteKey[] {
  return Array.from({ length: ACTORS }, (_, i) =>
    ed25519NoteKey(`plant-${String(i + 1).padStart(2, '0')}.recycler.bench.example`, randomBytes(32)),
  );
}

/** `count` distinct signed epcis.event statements, spread round-robin over the actors. */
function signNotes(actors: Ed25519NoteKey[], count: number): string[] {
  const context = [EPCIS_CONTEXT];
  const issued = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const key = actors[i % actors.length] as Ed25519NoteKey;
    const event = benchEvent(i);
    const s: Statement = {
      v: 1,
      kind: 'epcis.event',
      issuer: key.signer.name,
      issued,
      body: { event: event as JsonValue, eventID: eventHashId(event, context), context } as JsonValue,
    };
    return signStatement(s, [key.signer]);
  });
}

/** The request bodies of a case, back to back in shared memory, and where each starts. */
function requestBodies(c: StatementsCase, notes: string[]): { bodies: Uint8Array; offsets: number[] } {
  const parts: Buffer[] = [];
  for (let r = 0; r < requestsOf(c); r++) {
    parts.push(
      c.perRequest === 0
        ? Buffer.from(notes[r] as string)
        : Buffer.from(JSON.stringify({ statements: notes.slice(r * c.perRequest, (r + 1) * c.perRequest) })),
    );
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bodies = new Uint8Array(new SharedArrayBuffer(total));
  const offsets = [0];
  let at = 0;
  for (const p of parts) {
    bodies.set(p, at);
    at += p.length;
    offsets.push(at);
  }
  return { bodies, offsets };
}

interface Measurement {
  /** Statements sent (requests sent × statements per request). */
  statements: number;
  requests: number;
  statementsPerSec: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  elapsedMs: number;
  /** Entries per sequencer commit during the load. */
  avgCommitBatch: number;
  commits: number;
  requestBytes: number;
  failedRequests: number;
  /** What the log and the read model gained during the load, and the read model's epcis.event count. */
  logAdded: number;
  indexedAdded: number;
  epcisIndexed: number;
}

interface Run {
  m: Measurement;
  /** What a reader must see: failed requests, counts that do not add up. */
  problems: string[];
}

let runCounter = 0;

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function registerActors(url: string, token: string, actors: Ed25519NoteKey[]): Promise<void> {
  for (const a of actors) {
    const res = await fetch(`${url}/actors`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: a.signer.name, role: 'recycler', vkey: a.vkey }),
    });
    if (res.status !== 201) throw new Error(`POST /actors answered ${res.status}: ${await res.text()}`);
  }
}

/** One run on a fresh log: register the actors, send the statements, count what arrived. */
async function measure(
  ctx: BenchContext,
  c: StatementsCase,
  actors: Ed25519NoteKey[],
  body: { bodies: Uint8Array; offsets: number[] },
): Promise<Run> {
  const n = runCounter++;
  const dir = path.join(ctx.scratchDir, `statements-http-${n}`);
  const schema = `bench_${ctx.runId}_statements_${n}`;
  const storeOptions = c.store === 'postgres' ? { databaseUrl: ctx.pgUrl, databaseSchema: schema } : {};
  removeDir(dir);
  try {
    const { token } = await initLog(dir, { origin: 'bench.matterlog.example/statements', ...storeOptions });
    const log = await openLog({ dir, sequence: true, ingest: { rateLimit: { perSecond: 0, burst: 1 } } });
    const server = await startServer(log, { host: '127.0.0.1', port: 0 });
    try {
      await registerActors(server.url, token, actors);
      const sizeBefore = (await log.store.latestCheckpoint())?.size ?? 0;
      const indexedBefore = await log.readModel.indexedSize();
      const statsBefore = log.sequencer?.stats();
      collectGarbage();
      const load = await runLoad({
        kind: 'post',
        url: server.url,
        path: '/statements',
        headers: { 'Content-Type': c.perRequest === 0 ? 'text/plain; charset=utf-8' : 'application/json' },
        bodies: body.bodies,
        offsets: body.offsets,
        maxDurationMs: c.maxDurationMs,
        concurrency: c.concurrency,
      });
      const statsAfter = log.sequencer?.stats();
      const sizeAfter = (await log.store.latestCheckpoint())?.size ?? 0;
      const indexedAfter = await log.readModel.indexedSize();
      const counts = await log.readModel.statementCounts();
      const sent = load.sent ?? 0;
      const statements = sent * Math.max(1, c.perRequest);
      const lat = percentiles(load.latenciesMs);
      const commits = (statsAfter?.batches ?? 0) - (statsBefore?.batches ?? 0);
      const sequenced = (statsAfter?.entriesSequenced ?? 0) - (statsBefore?.entriesSequenced ?? 0);
      const m: Measurement = {
        statements,
        requests: sent,
        statementsPerSec: (statements / load.elapsedMs) * 1000,
        requestsPerSec: (sent / load.elapsedMs) * 1000,
        p50Ms: lat.p50,
        p99Ms: lat.p99,
        elapsedMs: load.elapsedMs,
        avgCommitBatch: commits > 0 ? sequenced / commits : 0,
        commits,
        requestBytes: body.offsets[sent] as number,
        failedRequests: load.errors,
        logAdded: sizeAfter - sizeBefore,
        indexedAdded: indexedAfter - indexedBefore,
        epcisIndexed: counts['epcis.event'] ?? 0,
      };
      const problems: string[] = [];
      if (load.errors > 0) {
        problems.push(
          `${load.errors} of ${sent} requests FAILED (${JSON.stringify(load.statuses)} ${load.failures.join('; ')})`,
        );
      } else if (load.statuses['201'] !== sent) {
        problems.push(`statuses ${JSON.stringify(load.statuses)}, expected 201 for all ${sent}`);
      }
      if (m.logAdded !== statements || m.indexedAdded !== statements || m.epcisIndexed !== statements) {
        problems.push(
          `COUNT MISMATCH: sent ${statements}, log +${m.logAdded}, indexed +${m.indexedAdded}, epcis.event rows ${m.epcisIndexed}`,
        );
      }
      return { m, problems };
    } finally {
      await server.close();
    }
  } finally {
    removeDir(dir);
    if (c.store === 'postgres') {
      await dropSchema(ctx.pgUrl, schema).catch((e: unknown) => ctx.log(`  (cleanup failed: ${errorMessage(e)})`));
    }
  }
}

async function runCase(ctx: BenchContext, c: StatementsCase, pool: Pool): Promise<ResultRow> {
  const name = caseName(c);
  const per = Math.max(1, c.perRequest);
  const params = {
    store: c.store,
    statementsPerRequest: per,
    body: c.perRequest === 0 ? 'text/plain' : 'json',
    concurrency: c.concurrency,
    maxStatements: c.maxStatements,
    maxDurationMs: c.maxDurationMs,
    actors: ACTORS,
    avgNoteBytes: Math.round(
      pool.notes.slice(0, 1000).reduce((sum, x) => sum + Buffer.byteLength(x), 0) / Math.min(1000, pool.notes.length),
    ),
  };
  if (c.store === 'postgres' && !ctx.pg.available) {
    return { bench: 'statements-http', name, params, metrics: {}, summary: '', skipped: ctx.pg.reason ?? '' };
  }
  let run: Run;
  try {
    run = await measure(ctx, c, pool.actors, requestBodies(c, pool.notes));
  } catch (e) {
    return { bench: 'statements-http', name, params, metrics: {}, summary: '', skipped: `failed: ${errorMessage(e)}` };
  }
  const { m, problems } = run;
  const perStatement = c.perRequest > 0 ? `, ${ms(m.p50Ms / per)} / ${ms(m.p99Ms / per)} ms per statement` : '';
  const counted = problems.length === 0 ? `; all ${int(m.statements)} logged and indexed` : `; ${problems.join('; ')}`;
  const target: Target | undefined =
    c.perRequest > 0
      ? {
          text: `≥ ${int(BATCH_TARGET)} statements/s`,
          met: m.statementsPerSec >= BATCH_TARGET && problems.length === 0,
        }
      : undefined;
  return {
    bench: 'statements-http',
    name,
    params,
    metrics: {
      ...m,
      p50MsPerStatement: m.p50Ms / per,
      p99MsPerStatement: m.p99Ms / per,
      problems: problems.length,
    },
    summary: `${int(m.statementsPerSec)} statements/s, ${rate(m.requestsPerSec)} req/s (request p50 ${ms(m.p50Ms)} ms p99 ${ms(m.p99Ms)} ms${perStatement}; avg commit ${int(m.avgCommitBatch)})${counted}`,
    ...(target ? { target } : {}),
  };
}

export async function benchStatementsHttp(ctx: BenchContext): Promise<void> {
  const chosen = cases(ctx.quick).filter((c) => wanted(ctx, caseName(c)));
  if (chosen.length === 0) return;
  const count = Math.max(...chosen.map((c) => requestsOf(c) * Math.max(1, c.perRequest)));
  const t0 = performance.now();
  const actors = makeActors();
  const pool: Pool = { actors, notes: signNotes(actors, count) };
  ctx.log(`  (signed ${int(count)} statements in ${((performance.now() - t0) / 1000).toFixed(1)} s, before timing)`);
  for (const c of chosen) ctx.emit(await runCase(ctx, c, pool));
}
