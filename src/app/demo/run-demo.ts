/**
 * The demo, end to end through the real log: register the region's actors
 * through the operator, publish facilities, passports and the policy, submit a
 * year of signed EPCIS events (batches of at most 1,000), then run the
 * assessment (a portfolio per producer), the optimizer (a plan for the
 * mechanical recycler's held lots under its published policy) and the audit,
 * and score the audit against the planted violations.
 */
import { writeFileSync } from 'node:fs';
import { MatterlogError } from '../../ledger/errors.js';
import type { JsonValue } from '../../statements/canonical-json.js';
import { signStatement } from '../../statements/statement.js';
import { type AuditReport, runAudit } from '../audit-service.js';
import type { LogService } from '../log-service.js';
import { heldLots } from '../lots-service.js';
import { OptimizeService } from '../optimize-service.js';
import { ProductService } from '../product-service.js';
import { WorkerSolver } from '../solver-pool.js';
import { type Actor, DAY, stockCounts } from './region.js';
import { buildRegion, MONTH, MONTHS } from './scenario.js';
import { type Score, score } from './score.js';
import { type Planted, plantViolations } from './violations.js';

export interface DemoOptions {
  seed: string;
  /** About how many EPCIS events the year holds. */
  events: number;
  /** Planted violations of each rule. */
  violations: number;
  /** Where the ground truth is written (not written when absent). */
  truthFile?: string;
  /** Skip the optimizer (tests that only score the audit). */
  optimize?: boolean;
}

export interface DemoStage {
  stage: string;
  done: number;
  total: number;
}

export interface DemoResult {
  seed: string;
  startMs: number;
  statements: number;
  events: number;
  actors: number;
  truth: Planted[];
  score: Score;
  audit: AuditReport;
  portfolios: {
    producer: string;
    products: number;
    units: number;
    nonRecyclableShare: number | null;
    flags: string[];
  }[];
  plan: {
    facility: string;
    policy: string;
    lots: number;
    tonnes: number;
    recoveredTonnes: number;
    recoveryRate: number;
    objectiveEur: number;
  } | null;
}

const BATCH = 1000;
/** Event batches submitted at once. */
const IN_FLIGHT = 3;

function sign(actor: Actor, kind: Parameters<typeof signStatement>[0]['kind'], body: unknown): string {
  return signStatement({ v: 1, kind, issuer: actor.name, issued: new Date().toISOString(), body: body as JsonValue }, [
    actor.key.signer,
  ]);
}

export async function runDemo(
  log: LogService,
  options: DemoOptions,
  onProgress: (s: DemoStage) => void = () => {},
): Promise<DemoResult> {
  const ingest = log.ingest;
  if (!ingest) throw new MatterlogError('config', 'the demo needs a log that accepts statements (not read-only)');
  // The year starts the day after registration, at midnight, so no event predates its signer.
  const now = Date.now();
  const startMs = Math.ceil((now + 1) / DAY) * DAY;
  const region = buildRegion(options.seed, startMs, options.events);
  const plan = plantViolations(region, options.violations);
  const counts = stockCounts(
    region.events,
    region.counted,
    Array.from({ length: MONTHS + 1 }, (_, m) => startMs + m * MONTH),
  );
  const events = [...region.events, ...counts].sort((a, b) => a.timeMs - b.timeMs);

  let stage = 'registering actors';
  for (const [i, a] of region.actors.entries()) {
    await ingest.actors.add({ name: a.name, role: a.role, vkey: a.key.vkey, title: a.title });
    onProgress({ stage, done: i + 1, total: region.actors.length });
  }
  for (const r of plan.revocations) {
    await ingest.actors.revoke(r.actor.name, {
      from: new Date(r.fromMs).toISOString(),
      reason: 'key reported stolen; revoked from the date the theft was discovered',
    });
  }
  const notes = [
    ...region.records.map((r) => () => sign(r.actor, r.kind, r.body)),
    ...events.map(
      (e) => () => sign(e.actor, 'epcis.event', { event: e.event, eventID: e.eventID, context: contextOf() }),
    ),
  ];
  stage = 'submitting signed statements';
  // Records (facilities, routes, passport chains, the policy) go in order, a batch at a time: later
  // ones build on earlier ones. Events stand alone (the audit reads them by event time), so a few
  // batches are in flight at once and checking one overlaps committing another.
  let done = 0;
  const submit = async (batch: (() => string)[]) => {
    // Signed just before submission, so "issued" is never far from the log's clock.
    await ingest.statements.submit(batch.map((n) => n()));
    done += batch.length;
    onProgress({ stage, done, total: notes.length });
  };
  const records = region.records.length;
  for (let k = 0; k < records; k += BATCH) await submit(notes.slice(k, Math.min(k + BATCH, records)));
  let next = records;
  const worker = async () => {
    while (next < notes.length) {
      const batch = notes.slice(next, next + BATCH);
      next += batch.length;
      await submit(batch);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

  stage = 'assessing producers';
  const products = new ProductService(log.readModel);
  const portfolios: DemoResult['portfolios'] = [];
  const producers = region.actors.filter((a) => a.role === 'producer');
  for (const [i, p] of producers.entries()) {
    const pf = await products.portfolio(p.name, { period: 'year' });
    const units = pf.periods.reduce((s, x) => s + x.units, 0);
    const kgTotal = pf.periods.reduce((s, x) => s + x.totalKg, 0);
    const nonRec = pf.periods.reduce((s, x) => s + x.nonRecyclableKg, 0);
    portfolios.push({
      producer: p.name,
      products: pf.products.total,
      units,
      nonRecyclableShare: kgTotal > 0 ? nonRec / kgTotal : null,
      flags: pf.flags.map((f) => f.kind),
    });
    onProgress({ stage, done: i + 1, total: producers.length });
  }

  let planSummary: DemoResult['plan'] = null;
  if (options.optimize !== false) {
    stage = 'optimizing';
    onProgress({ stage, done: 0, total: 1 });
    const solver = new WorkerSolver();
    try {
      const service = new OptimizeService(log.readModel, log.store, solver);
      const mech = region.recyclers[0] as Region['recyclers'][number];
      // The bales got their composition (ILMD) at the sorter; heldLots finds it there.
      const held = await heldLots(log.readModel, mech.facility, startMs + (MONTHS + 1) * MONTH);
      const lots = held.lots;
      const policy = await service.policy(region.policy.id);
      if (lots.length > 0) {
        const doc = await service.solve({ policy, lots, options: await service.options({ catalog: true }) });
        const t = doc.result.totals;
        planSummary = {
          facility: mech.facility,
          policy: `${policy.body.id}@${policy.body.version}`,
          lots: lots.length,
          tonnes: t.tonnes,
          recoveredTonnes: t.recoveredTonnes,
          recoveryRate: t.recoveryRate,
          objectiveEur: t.objective,
        };
      }
    } finally {
      await solver.close();
    }
    onProgress({ stage, done: 1, total: 1 });
  }

  stage = 'auditing';
  const audit = await runAudit(log, {}, (done, total) => onProgress({ stage, done, total }));
  const truth = plan.truth;
  if (options.truthFile) {
    writeFileSync(
      options.truthFile,
      `${JSON.stringify({ seed: options.seed, startMs, violationsPerRule: options.violations, planted: truth }, null, 2)}\n`,
    );
  }
  return {
    seed: options.seed,
    startMs,
    statements: notes.length + region.actors.length + plan.revocations.length,
    events: events.length,
    actors: region.actors.length,
    truth,
    score: score(truth, audit.findings),
    audit,
    portfolios,
    plan: planSummary,
  };
}

type Region = ReturnType<typeof buildRegion>;

function contextOf(): JsonValue {
  return [
    'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
    { matterlog: 'https://w3id.org/matterlog/voc/' },
  ];
}
