/**
 * Ed25519 verification on worker threads. Verifying is the largest single cost
 * of taking a statement in (about 0.1 ms each here, a third of the total), and
 * it needs nothing but bytes, so it runs beside the main thread, which meanwhile
 * parses, sequences and indexes. A worker that fails is replaced, and its jobs
 * are answered "not verified", which only means the caller verifies them itself.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface VerifyJob {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

// CommonJS, evaluated in the worker: no file to find, in the build or in tests.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
parentPort.on('message', ({ id, jobs }) => {
  const out = new Uint8Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) {
    const j = jobs[i];
    try {
      const k = Buffer.from(j.publicKey).toString('base64');
      let key = keys.get(k);
      if (!key) {
        if (keys.size > 10000) keys.clear();
        key = createPublicKey({ key: Buffer.concat([SPKI, j.publicKey]), format: 'der', type: 'spki' });
        keys.set(k, key);
      }
      out[i] = j.signature.length === 64 && verify(null, j.message, key, j.signature) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

interface Pending {
  resolve(out: boolean[]): void;
  size: number;
}

class VerifyWorker {
  private worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  constructor() {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(WORKER, { eval: true });
    w.unref();
    w.on('message', ({ id, out }: { id: number; out: Uint8Array }) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.resolve(Array.from(out, (v) => v === 1));
    });
    w.on('error', () => this.fail());
    w.on('exit', () => this.fail());
    return w;
  }

  private fail(): void {
    for (const p of this.pending.values()) p.resolve(new Array(p.size).fill(false));
    this.pending.clear();
  }

  get load(): number {
    let n = 0;
    for (const p of this.pending.values()) n += p.size;
    return n;
  }

  verify(jobs: VerifyJob[]): Promise<boolean[]> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, size: jobs.length });
      try {
        this.worker.postMessage({ id, jobs });
      } catch {
        this.pending.delete(id);
        resolve(new Array(jobs.length).fill(false));
      }
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.fail();
    await this.worker.terminate();
  }
}

export class VerifyPool {
  private readonly workers: VerifyWorker[];

  /** `size` workers; the default leaves one core to the main thread. */
  constructor(size = Math.max(1, availableParallelism() - 1)) {
    this.workers = Array.from({ length: size }, () => new VerifyWorker());
  }

  /** Whether each signature verifies; false also when it could not be checked here. */
  async verify(jobs: VerifyJob[]): Promise<boolean[]> {
    if (jobs.length === 0) return [];
    const per = Math.ceil(jobs.length / this.workers.length);
    const parts: Promise<boolean[]>[] = [];
    // Small requests go to the least busy worker; large ones are split across all.
    if (jobs.length < 64) {
      const w = this.workers.reduce((a, b) => (b.load < a.load ? b : a));
      return w.verify(jobs);
    }
    for (let i = 0; i < this.workers.length; i++) {
      const slice = jobs.slice(i * per, (i + 1) * per);
      if (slice.length > 0) parts.push((this.workers[i] as VerifyWorker).verify(slice));
    }
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
