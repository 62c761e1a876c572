/**
 * Benchmark "demo": `matterlog demo` end to end, as the CLI runs it: `initLog`
 * on a fresh data directory (SQLite, or a PostgreSQL schema), `openLog` with
 * sequencing and the rate limiter off, then `runDemo` (build the region in
 * memory, register its actors, submit a year of signed statements, assess
 * every producer's portfolio, optimize the mechanical recycler's held lots,
 * audit, score the audit against the planted violations).
 *
 * Stage times come from the stage transitions `runDemo` reports through
 * onProgress. A stage runs from the previous stage's last report to its own
 * last report, except:
 * - "generate": from the call to the first report, i.e. building the region,
 *   planting the violations and the stock counts in memory, plus the first
 *   actor's registration (the first report comes after it);
 * - the last stage ("auditing"), which runs until `runDemo` returns, since the
 *   audit reports progress only while it reads the log and then applies its
 *   rules (and the score, which is negligible, comes after it).
 * So the revocations count under "submitting signed statements".
 */
import path from 'node:path';
import { type DemoResult, type DemoStage, runDemo } from '../src/app/demo/run-demo.js';
import { initLog, openLog } from '../src/app/log-service.js';
import { type BenchContext, collectGarbage, errorMessage, removeDir, type StoreKind, wanted } from './fixtures.js';
import { int, ms, type ResultRow } from './report.js';

const SEED = 'bench';
const VIOLATIONS = 2;

/** "submitting signed statements" → "submittingSignedStatementsMs". */
function stageKey(stage: string): string {
  const words = stage.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `${words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1).toLowerCase())).join('')}Ms`;
}

interface StageTime {
  stage: string;
  ms: number;
}

/** Times the stages of one runDemo call from its progress reports. */
class StageClock {
  private readonly t0 = performance.now();
  private readonly order: string[] = [];
  /** Per stage: the time of its first and last report. */
  private readonly seen = new Map<string, { first: number; last: number }>();

  readonly onProgress = (s: DemoStage): void => {
    const now = performance.now();
    const at = this.seen.get(s.stage);
    if (at) at.last = now;
    else {
      this.order.push(s.stage);
      this.seen.set(s.stage, { first: now, last: now });
    }
  };

  /** The stages in order, with "generate" first; call when runDemo has returned. */
  finish(): StageTime[] {
    const end = performance.now();
    const out: StageTime[] = [];
    const firstStage = this.order[0];
    if (firstStage === undefined) return [{ stage: 'generate', ms: end - this.t0 }];
    let from = (this.seen.get(firstStage) as { first: number }).first;
    out.push({ stage: 'generate', ms: from - this.t0 });
    for (const [i, stage] of this.order.entries()) {
      const to = i === this.order.length - 1 ? end : (this.seen.get(stage) as { last: number }).last;
      out.push({ stage, ms: to - from });
      from = to;
    }
    return out;
  }
}

/** The rules whose findings differ from what was planted, e.g. "mass-balance 2 planted/5 found (TP 2, FP 3)". */
function scoreIssues(result: DemoResult): string {
  return result.score.rules
    .filter((r) => r.falsePositives > 0 || r.truePositives < r.planted)
    .map((r) => `${r.rule} ${r.planted} planted/${r.found} found (TP ${r.truePositives}, FP ${r.falsePositives})`)
    .join('; ');
}

async function runCase(ctx: BenchContext, kind: StoreKind, events: number): Promise<ResultRow> {
  const name = `${kind} ${int(events)} events`;
  const params: ResultRow['params'] = { store: kind, events, violationsPerRule: VIOLATIONS, seed: SEED };
  if (kind === 'postgres' && !ctx.pg.available) {
    return { bench: 'demo', name, params, metrics: {}, summary: '', skipped: ctx.pg.reason ?? 'no PostgreSQL' };
  }
  const dir = path.join(ctx.scratchDir, `demo-${kind}-${events}`);
  removeDir(dir);
  const storeOptions =
    kind === 'postgres' ? { databaseUrl: ctx.pgUrl, databaseSchema: `bench_${ctx.runId}_demo_${events}` } : {};
  collectGarbage();
  try {
    const t0 = performance.now();
    await initLog(dir, { origin: 'bench.matterlog.example/demo', ...storeOptions });
    const log = await openLog({
      dir,
      ...storeOptions,
      sequence: true,
      ingest: { rateLimit: { perSecond: 0, burst: 1 } },
    });
    try {
      const initMs = performance.now() - t0;
      const clock = new StageClock();
      const tRun = performance.now();
      const result = await runDemo(log, { seed: SEED, events, violations: VIOLATIONS }, clock.onProgress);
      const runMs = performance.now() - tRun;
      const totalMs = performance.now() - t0;
      const stages = clock.finish();
      const submitMs = stages.find((s) => s.stage === 'submitting signed statements')?.ms ?? Number.NaN;
      const findings = result.audit.findings.length;
      const planted = result.truth.length;
      const { perfect, missed, unexpected } = result.score;
      const statementsPerSec = (result.statements / totalMs) * 1000;
      const metrics: ResultRow['metrics'] = {
        totalMs,
        initMs,
        runMs,
        statements: result.statements,
        events: result.events,
        actors: result.actors,
        findings,
        planted,
        missed: missed.length,
        unexpected: unexpected.length,
        perfect: perfect ? 1 : 0,
        statementsPerSec,
        submitStatementsPerSec: (result.statements / submitMs) * 1000,
      };
      for (const s of stages) metrics[stageKey(s.stage)] = s.ms;
      const issues = perfect ? '' : scoreIssues(result);
      const stageText = stages.map((s) => `${s.stage} ${ms(s.ms / 1000)} s`).join(', ');
      return {
        bench: 'demo',
        name,
        params: { ...params, perfect, ...(issues ? { scoreIssues: issues } : {}) },
        metrics,
        summary:
          `total ${ms(totalMs / 1000)} s (init ${ms(initMs)} ms), ${int(result.statements)} statements ` +
          `(${int(statementsPerSec)}/s end to end, ${int((result.statements / submitMs) * 1000)}/s submitting), ` +
          `${int(result.events)} events, ${findings} findings, score ${perfect ? 'perfect' : `NOT perfect (${missed.length} missed, ${unexpected.length} unexpected: ${issues})`}; ` +
          stageText,
      };
    } finally {
      await log.close();
    }
  } catch (e) {
    return { bench: 'demo', name, params, metrics: {}, summary: '', skipped: `failed: ${errorMessage(e)}` };
  } finally {
    removeDir(dir);
  }
}

export async function benchDemo(ctx: BenchContext): Promise<void> {
  const sizes = ctx.quick ? [5_000] : [20_000, 100_000];
  const kinds: StoreKind[] = ctx.quick ? ['sqlite'] : ['sqlite', 'postgres'];
  for (const n of sizes) {
    for (const kind of kinds) {
      const name = `${kind} ${int(n)} events`;
      if (wanted(ctx, name)) ctx.emit(await runCase(ctx, kind, n));
    }
  }
}
