/**
 * Solving on worker threads, so that a solver running out of memory costs one
 * request and not the server. HiGHS's WebAssembly heap starts at 20 MiB, grows
 * but never shrinks, cannot pass 2 GiB, and an allocation past that aborts the
 * instance for good. Hence:
 * - a model clearly too big for 2 GiB is refused before it is sent
 *   ('request_too_large', see `MAX_LP_UNITS`);
 * - a worker that dies or aborts mid-solve fails that solve ('unavailable')
 *   and the next solve gets a fresh worker;
 * - a worker whose heap has grown past `recycleHeapBytes` (256 MiB by default,
 *   which about 200k columns reach) is retired after its solve, so one big plan
 *   does not pin its peak memory for the life of the server.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MatterlogError } from '../ledger/errors.js';
import type { LinearProgram, LpSolution, LpSolver, SolveOptions } from '../optimize/lp.js';
import type { SolveReply, SolveRequest } from './solver-worker.js';

/**
 * The size the limits count: columns + rows + nonzeros. Measured with HiGHS
 * 1.15 on lots × routes LPs (2 to 4 nonzeros a column), the heap's peak was
 * 330–425 bytes per unit on top of its first 20 MiB: 100k columns took 126 MiB,
 * 1M columns (3.2M units) 1.26 GiB, 1.5M columns (4.8M units) 1.84 GiB, and
 * 2M columns (6.4M units) aborted at 1.95 GiB.
 */
export function modelUnits(lp: LinearProgram): number {
  return lp.numCols + lp.numRows + (lp.aStart[lp.numCols] ?? lp.aIndex.length);
}

/** About 1.2 GiB by the measurements above: room for a denser or more row-heavy model. */
export const MAX_LP_UNITS = 3_000_000;
/**
 * A MIP's branch and bound grows with time as much as with size: facility
 * location MIPs (lots × routes plus a binary per route, 300 s limit) peaked at
 * 218 MiB for 10k columns (62k units, optimal in 20 s), 638 MiB for 50k
 * (160k units), 542 MiB for 100k and 851 MiB for 200k (640k units). This is a
 * little above the largest measured, about 1 GiB by that trend, leaving the
 * search half the heap; a MIP that still exhausts it fails like any crashed solve.
 */
export const MAX_MIP_UNITS = 750_000;

export interface WorkerSolverOptions {
  /** Solves running at once, one worker each (default 1: HiGHS here is single-threaded and memory-hungry). */
  maxWorkers?: number;
  /** A worker whose heap is larger than this after a solve is replaced (default 256 MiB). */
  recycleHeapBytes?: number;
  maxLpUnits?: number;
  maxMipUnits?: number;
  /** Called with each worker thread started, for tests and monitoring. */
  onSpawn?: (worker: Worker) => void;
}

interface Job {
  lp: LinearProgram;
  options: SolveOptions;
  resolve(solution: LpSolution): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  watchdog?: NodeJS.Timeout;
}

/** The compiled worker, also when this module runs from source under vitest: Node cannot run TypeScript. */
function workerEntry(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts')
    ? new URL('../../dist/src/app/solver-worker.js', here)
    : new URL('./solver-worker.js', here);
}

export class WorkerSolver implements LpSolver {
  readonly name = 'highs';
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private readonly maxWorkers: number;
  private readonly recycleHeapBytes: number;
  private readonly maxLpUnits: number;
  private readonly maxMipUnits: number;
  private nextId = 0;
  private closed = false;

  constructor(private readonly config: WorkerSolverOptions = {}) {
    this.maxWorkers = Math.max(1, config.maxWorkers ?? 1);
    this.recycleHeapBytes = config.recycleHeapBytes ?? 256 * 2 ** 20;
    this.maxLpUnits = config.maxLpUnits ?? MAX_LP_UNITS;
    this.maxMipUnits = config.maxMipUnits ?? MAX_MIP_UNITS;
  }

  solve(lp: LinearProgram, options: SolveOptions = {}): Promise<LpSolution> {
    if (this.closed) return Promise.reject(new MatterlogError('unavailable', 'The solver has been shut down.'));
    const isMip = lp.integer?.some((v) => v === 1) === true;
    const units = modelUnits(lp);
    const limit = isMip ? this.maxMipUnits : this.maxLpUnits;
    if (units > limit) {
      return Promise.reject(
        new MatterlogError(
          'request_too_large',
          `The ${isMip ? 'MIP' : 'LP'} has ${lp.numCols} columns, ${lp.numRows} rows and ${units - lp.numCols - lp.numRows} ` +
            `nonzeros (${units} in all); the solver's 2 GiB of memory holds at most ${limit} for such a model. ` +
            'Split the plan into smaller ones (fewer lots, routes or periods) and solve each.',
          { details: { cols: lp.numCols, rows: lp.numRows, units, limit, mip: isMip } },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ lp, options, resolve, reject });
      this.pump();
    });
  }

  /** Ends every worker; solves still queued or running fail with 'unavailable'. */
  async close(): Promise<void> {
    this.closed = true;
    const gone = new MatterlogError('unavailable', 'The solver was shut down before the solve finished.');
    for (const job of this.queue.splice(0)) job.reject(gone);
    await Promise.all([...this.slots].map((slot) => this.retire(slot, gone)));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((s) => s.job === null);
      if (slot === undefined) {
        if (this.slots.size >= this.maxWorkers) return;
        const entry = workerEntry();
        if (!existsSync(fileURLToPath(entry))) {
          const e = new MatterlogError(
            'unavailable',
            `The solver's worker is not built (${fileURLToPath(entry)} is missing): run "npm run build".`,
          );
          for (const job of this.queue.splice(0)) job.reject(e);
          return;
        }
        slot = this.spawn(entry);
      }
      this.run(slot, this.queue.shift() as Job);
    }
  }

  private spawn(entry: URL): Slot {
    const worker = new Worker(entry);
    worker.unref();
    const slot: Slot = { worker, job: null };
    this.slots.add(slot);
    worker.on('message', (reply: SolveReply) => this.answered(slot, reply));
    worker.on('error', (e) => this.died(slot, `failed: ${e.message}`, e));
    worker.on('exit', (code) => this.died(slot, `exited with code ${code}`));
    this.config.onSpawn?.(worker);
    return slot;
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    // Held only while a solve is pending, so an idle pool never keeps the process alive.
    slot.worker.ref();
    const limit = job.options.timeLimitSeconds;
    if (limit !== undefined) {
      // HiGHS checks its clock between steps; a solve far past its limit is stuck, not slow.
      const stuck = new MatterlogError(
        'unavailable',
        `The solver did not stop within its time limit of ${limit} s and was ended. Try again with a smaller model.`,
      );
      slot.watchdog = setTimeout(() => void this.retire(slot, stuck), (limit * 1.5 + 30) * 1000);
      slot.watchdog.unref();
    }
    const { lp } = job;
    // Copies, so that the caller keeps its model (the certificate check reads it) and so that a
    // view into a larger buffer does not drag the whole buffer along; the copies are handed over.
    const copy: LinearProgram = {
      numCols: lp.numCols,
      numRows: lp.numRows,
      colCost: lp.colCost.slice(),
      colLower: lp.colLower.slice(),
      colUpper: lp.colUpper.slice(),
      rowLower: lp.rowLower.slice(),
      rowUpper: lp.rowUpper.slice(),
      aStart: lp.aStart.slice(),
      aIndex: lp.aIndex.slice(),
      aValue: lp.aValue.slice(),
      ...(lp.integer ? { integer: lp.integer.slice() } : {}),
      colNames: [],
      rowNames: [],
    };
    const transfer = [
      copy.colCost,
      copy.colLower,
      copy.colUpper,
      copy.rowLower,
      copy.rowUpper,
      copy.aStart,
      copy.aIndex,
      copy.aValue,
      ...(copy.integer ? [copy.integer] : []),
    ].map((a) => a.buffer as ArrayBuffer);
    const request: SolveRequest = { id: this.nextId++, lp: copy, options: job.options };
    try {
      slot.worker.postMessage(request, transfer);
    } catch (e) {
      void this.retire(slot, crashed(lp, `could not take the model: ${String(e)}`, e));
    }
  }

  private answered(slot: Slot, reply: SolveReply): void {
    const job = slot.job;
    if (job === null) return;
    clearTimeout(slot.watchdog);
    slot.job = null;
    slot.worker.unref();
    if (reply.ok) job.resolve(reply.solution);
    else job.reject(new MatterlogError(reply.error.code, reply.error.message, { details: reply.error.details }));
    const spent = !reply.ok && reply.fatal;
    if (spent || reply.heapBytes > this.recycleHeapBytes) void this.retire(slot);
    this.pump();
  }

  /** The worker died on its own (an abort, out of memory, the watchdog): fail its solve, replace it. */
  private died(slot: Slot, how: string, cause?: Error): void {
    if (!this.slots.has(slot)) return;
    this.slots.delete(slot);
    clearTimeout(slot.watchdog);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {});
    if (slot.job !== null) slot.job.reject(crashed(slot.job.lp, how, cause));
    slot.job = null;
    if (!this.closed) this.pump();
  }

  /** Ends a worker on purpose; its solve, if any, fails with `reason`. */
  private async retire(slot: Slot, reason?: Error): Promise<void> {
    this.slots.delete(slot);
    clearTimeout(slot.watchdog);
    slot.worker.removeAllListeners();
    // A late 'error' from a thread being torn down must not become an uncaught exception.
    slot.worker.on('error', () => {});
    if (slot.job !== null) slot.job.reject(reason ?? new MatterlogError('unavailable', 'The solver was stopped.'));
    slot.job = null;
    await slot.worker.terminate();
    if (!this.closed) this.pump();
  }
}

function crashed(lp: LinearProgram, how: string, cause?: unknown): MatterlogError {
  return new MatterlogError(
    'unavailable',
    `The solver crashed on a model of ${lp.numCols} columns, ${lp.numRows} rows and ${lp.aIndex.length} nonzeros ` +
      `(its worker ${how}); most likely it ran out of memory because the model is too large. ` +
      'Split the plan into smaller ones (fewer lots, routes or periods) and try again.',
    { cause, details: { cols: lp.numCols, rows: lp.numRows, nonzeros: lp.aIndex.length } },
  );
}
