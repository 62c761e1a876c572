/**
 * Benchmark "portfolio": a producer's portfolio summarised from the read model
 * (`ProductService.portfolio`, what GET /producers/{actor}/portfolio answers):
 * 100,000 products (10,000 with --quick), each with one or two passport
 * versions, and a year of daily commissioning events placing each product on
 * the market three times, so 300,000 market rows to attribute to the version
 * in force, sum by month and grade, and flag. On SQLite and PostgreSQL.
 *
 * The rows are written straight into the read model in batches (the indexer's
 * own path, `apply`), not through signed statements: what is measured is the
 * summary, and building 100,000 signed passports through the log would only
 * measure ingestion again (benchmark "statements-http"). Each summary is timed
 * three times after one warm-up; the median is reported.
 */
import path from 'node:path';
import { GRADES, ProductService } from '../src/app/product-service.js';
import { ppwrGrade } from '../src/assess/ppwr.js';
import { gs1CheckDigit } from '../src/statements/gs1.js';
import type { ReadModelStore } from '../src/store/read-model.js';
import { emptyBatch } from '../src/store/read-model-batch.js';
import { SqliteReadModel } from '../src/store/sqlite/sqlite-read-model.js';
import { type BenchContext, errorMessage, prng, type StoreKind, wanted } from './fixtures.js';
import { int, ms, type ResultRow } from './report.js';

const TARGET_MS = 3_000;
const PRODUCER = 'producer.example';
const DAY_MS = 86_400_000;
const YEAR_START = Date.UTC(2025, 0, 1);
const APPEARANCES = 3;

function gtin(i: number): string {
  const body = `0${String(4_000_000_000_00 + i).padStart(12, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
}

const hex = (n: number) => n.toString(16).padStart(64, '0');

/** Writes `products` products' passports, then 365 daily commissioning events; returns the row counts. */
async function populate(rm: ReadModelStore, products: number): Promise<{ versions: number; market: number }> {
  const rand = prng(42);
  let index = 0;
  let versions = 0;
  const CHUNK = 5_000;
  for (let start = 0; start < products; start += CHUNK) {
    const b = emptyBatch(index, index);
    for (let i = start; i < Math.min(products, start + CHUNK); i++) {
      const count = rand() < 0.3 ? 2 : 1;
      for (let v = 0; v < count; v++) {
        const share = Math.min(1, Math.max(0, 0.55 + 0.45 * rand() - 0.1 * v));
        const issuedMs = YEAR_START - DAY_MS;
        b.statements.push({
          index,
          kind: 'passport',
          issuers: PRODUCER,
          actor: PRODUCER,
          issuedMs,
          textSha256: hex(index + 1),
        });
        b.passports.push({
          index,
          product: gtin(i),
          producer: PRODUCER,
          version: `v${v + 1}`,
          replaces: v === 0 ? null : `v${v}`,
          issuedMs,
          validFromMs: v === 0 ? YEAR_START - DAY_MS : YEAR_START + Math.floor(rand() * 365) * DAY_MS,
          massKg: 0.01 + rand() * 2,
          share,
          grade: ppwrGrade(share).grade,
          json: '{}',
        });
        index++;
        versions++;
      }
    }
    b.toSize = index;
    await rm.apply(b);
  }
  // Each product appears on APPEARANCES random days; one event per day names every product made that day.
  const byDay: number[][] = Array.from({ length: 365 }, () => []);
  for (let i = 0; i < products; i++) {
    for (let k = 0; k < APPEARANCES; k++) (byDay[Math.floor(rand() * 365)] as number[]).push(i);
  }
  let market = 0;
  for (let d0 = 0; d0 < 365; d0 += 30) {
    const b = emptyBatch(index, index);
    for (let d = d0; d < Math.min(365, d0 + 30); d++) {
      const eventTimeMs = YEAR_START + d * DAY_MS + 36_000_000;
      b.statements.push({
        index,
        kind: 'epcis.event',
        issuers: PRODUCER,
        actor: PRODUCER,
        issuedMs: eventTimeMs,
        textSha256: hex(index + 1),
      });
      b.events.push({
        index,
        eventId: `ni:///sha-256;${hex(index + 1)}?ver=CBV2.0`,
        eventType: 'ObjectEvent',
        eventTimeMs,
        recordTimeMs: eventTimeMs,
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: null,
        readPoint: null,
        bizLocation: null,
        actor: PRODUCER,
        custody: 'self',
        json: '{}',
      });
      const units = new Map<number, number>();
      for (const i of byDay[d] as number[]) units.set(i, (units.get(i) ?? 0) + 1 + Math.floor(rand() * 1000));
      const month = new Date(eventTimeMs).toISOString().slice(0, 7);
      for (const [i, n] of units) {
        b.market.push({ index, producer: PRODUCER, product: gtin(i), units: n, eventTimeMs, month });
        market++;
      }
      index++;
    }
    b.toSize = index;
    await rm.apply(b);
  }
  return { versions, market };
}

async function open(ctx: BenchContext, kind: StoreKind): Promise<{ rm: ReadModelStore; dispose(): Promise<void> }> {
  if (kind === 'sqlite') {
    const rm = SqliteReadModel.open(path.join(ctx.scratchDir, `portfolio-${Date.now()}.db`));
    return { rm, dispose: () => rm.close() };
  }
  if (!ctx.pg.available) throw new Error(ctx.pg.reason ?? 'PostgreSQL unavailable');
  const { PostgresReadModel } = await import('../src/store/postgres/postgres-read-model.js');
  const schema = `bench_${ctx.runId}_portfolio`;
  const rm = await PostgresReadModel.open(ctx.pgUrl, { schema });
  return { rm, dispose: () => rm.close() };
}

async function runCase(ctx: BenchContext, kind: StoreKind): Promise<ResultRow> {
  const products = ctx.quick ? 10_000 : 100_000;
  const name = `${kind} ${int(products)} products, monthly`;
  const params: ResultRow['params'] = { store: kind, products, appearancesPerProduct: APPEARANCES, period: 'month' };
  if (kind === 'postgres' && !ctx.pg.available) {
    return { bench: 'portfolio', name, params, metrics: {}, summary: '', skipped: ctx.pg.reason ?? 'no PostgreSQL' };
  }
  let opened: Awaited<ReturnType<typeof open>> | null = null;
  try {
    opened = await open(ctx, kind);
    const t0 = performance.now();
    const rows = await populate(opened.rm, products);
    const populateMs = performance.now() - t0;
    Object.assign(params, { passportVersions: rows.versions, marketRows: rows.market });
    const service = new ProductService(opened.rm);
    const portfolio = await service.portfolio(PRODUCER, { period: 'month' });
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await service.portfolio(PRODUCER, { period: 'month' });
      runs.push(performance.now() - t);
    }
    runs.sort((a, b) => a - b);
    const median = runs[1] as number;
    const t = performance.now();
    await opened.rm.portfolio(PRODUCER);
    const queryMs = performance.now() - t;
    const grades = GRADES.map((g) => `${g} ${portfolio.products.byGrade[g]}`).join(', ');
    ctx.log(`  (${name}: ${portfolio.periods.length} periods; products by grade: ${grades})`);
    return {
      bench: 'portfolio',
      name,
      params,
      metrics: { summaryMs: median, marketQueryMs: queryMs, populateMs, minSummaryMs: runs[0] as number },
      summary: `${ms(median)} ms per portfolio (market query ${ms(queryMs)} ms)`,
      target: { text: `≤ ${int(TARGET_MS)} ms`, met: median <= TARGET_MS },
    };
  } catch (e) {
    return { bench: 'portfolio', name, params, metrics: {}, summary: '', skipped: `failed: ${errorMessage(e)}` };
  } finally {
    await opened?.dispose();
  }
}

export async function benchPortfolio(ctx: BenchContext): Promise<void> {
  for (const kind of ['sqlite', 'postgres'] as const) {
    if (wanted(ctx, kind)) ctx.emit(await runCase(ctx, kind));
  }
}
