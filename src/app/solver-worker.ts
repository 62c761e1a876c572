/**
 * The worker thread behind solver-pool.ts: one HighsSolver, one solve at a
 * time. It lives apart from the server's thread because HiGHS aborts when its
 * WebAssembly heap is exhausted and that heap never shrinks: the pool can then
 * throw the whole thread away and start a clean one.
 */
import { parentPort } from 'node:worker_threads';
import { type ErrorCode, isMatterlogError } from '../ledger/errors.js';
import { HighsSolver } from '../optimize/highs-solver.js';
import type { LinearProgram, LpSolution, SolveOptions } from '../optimize/lp.js';

export interface SolveRequest {
  id: number;
  /** Names stay behind (empty here): the solver does not use them, and cloning them costs. */
  lp: LinearProgram;
  options: SolveOptions;
}

export type SolveReply =
  | { id: number; ok: true; solution: LpSolution; heapBytes: number }
  | {
      id: number;
      ok: false;
      error: { code: ErrorCode; message: string; details: Record<string, unknown> };
      /** The solver's instance is gone (it aborted): this thread should be replaced. */
      fatal: boolean;
      heapBytes: number;
    };

/** The typed arrays of an answer, handed over rather than copied (this thread no longer needs them). */
function solutionBuffers(s: LpSolution): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const a of [s.colValue, s.rowValue, s.colDual, s.rowDual]) {
    if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  }
  return [...buffers];
}

const port = parentPort;
if (port !== null) {
  const solver = new HighsSolver();
  port.on('message', (request: SolveRequest) => {
    void answer(request).then(
      ({ reply, transfer }) => port.postMessage(reply, transfer),
      // Only a failure to post can land here; the pool sees the thread die and rejects the solve.
      () => process.exit(1),
    );
  });

  async function answer(request: SolveRequest): Promise<{ reply: SolveReply; transfer: ArrayBuffer[] }> {
    try {
      const solution = await solver.solve(request.lp, request.options);
      const heapBytes = (await solver.heapBytes()) ?? 0;
      return { reply: { id: request.id, ok: true, solution, heapBytes }, transfer: solutionBuffers(solution) };
    } catch (e) {
      const known = isMatterlogError(e);
      const error = {
        code: known ? e.code : ('internal' as const),
        message: e instanceof Error ? e.message : String(e),
        details: known ? { ...e.details } : {},
      };
      const heapBytes = (await solver.heapBytes()) ?? 0;
      return {
        reply: { id: request.id, ok: false, error, fatal: !known || e.code === 'unavailable', heapBytes },
        transfer: [],
      };
    }
  }
}
