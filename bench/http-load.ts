/**
 * The HTTP load generator, run in a worker thread so that it has its own event
 * loop (and, on a multi-core machine, its own core) instead of competing with
 * the server under test for the main thread.
 *
 * It uses node:http with a keep-alive agent (one socket per in-flight request):
 * Node's built-in client, with less per-request overhead than fetch, so more of
 * the shared CPU goes to the server being measured.
 */
import { randomFillSync } from 'node:crypto';
import http from 'node:http';
import { parentPort, Worker, workerData } from 'node:worker_threads';

interface GetPlan {
  kind: 'get';
  paths: string[];
  headers: Record<string, string>;
  warmupMs: number;
  durationMs: number;
}

interface AppendPlan {
  kind: 'append';
  /** JSON bodies of `perRequest` base64 entries, or (perRequest 0) one raw entry per request. */
  perRequest: number;
  entrySize: number;
  requests: number;
  token: string;
}

/**
 * Up to `offsets.length - 1` POST requests to `path`, sent in order; request i's
 * body is bytes [offsets[i], offsets[i + 1]) of `bodies`. Built by the caller
 * before timing; back `bodies` with a SharedArrayBuffer to hand it over without
 * a copy. With `maxDurationMs`, no request starts after that long (those in
 * flight finish); `LoadResult.sent` says how many were sent: requests 0 … sent - 1.
 */
interface PostPlan {
  kind: 'post';
  path: string;
  headers: Record<string, string>;
  bodies: Uint8Array;
  offsets: ArrayLike<number>;
  maxDurationMs?: number;
}

export type LoadPlan = (GetPlan | AppendPlan | PostPlan) & { url: string; concurrency: number };

export interface LoadResult {
  requests: number;
  errors: number;
  /** Status code → count, e.g. { "200": 1000 }. */
  statuses: Record<string, number>;
  /** First few failure descriptions. */
  failures: string[];
  bytes: number;
  elapsedMs: number;
  latenciesMs: Float64Array;
  /** Post plans only: how many requests were sent (the first `sent` of the plan). */
  sent?: number;
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function send(agent: http.Agent, base: URL, r: Req): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, hostname: base.hostname, port: base.port, method: r.method, path: r.path, headers: r.headers },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

function postRequests(p: PostPlan): Req[] {
  return Array.from({ length: p.offsets.length - 1 }, (_, i) => ({
    method: 'POST',
    path: p.path,
    headers: { ...p.headers },
    // A private copy, made before timing, so that no request reads the shared memory while sending.
    body: Buffer.from(p.bodies.subarray(p.offsets[i] as number, p.offsets[i + 1] as number)),
  }));
}

function appendRequests(p: AppendPlan): Req[] {
  const auth = `Bearer ${p.token}`;
  return Array.from({ length: p.requests }, () => {
    if (p.perRequest === 0) {
      const body = randomFillSync(Buffer.allocUnsafe(p.entrySize));
      return {
        method: 'POST',
        path: '/append',
        headers: { Authorization: auth, 'Content-Type': 'application/octet-stream' },
        body,
      };
    }
    const raw = randomFillSync(Buffer.allocUnsafe(p.perRequest * p.entrySize));
    const entries = Array.from({ length: p.perRequest }, (_, i) =>
      raw.subarray(i * p.entrySize, (i + 1) * p.entrySize).toString('base64'),
    );
    return {
      method: 'POST',
      path: '/append',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify({ entries })),
    };
  });
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const base = new URL(plan.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let measuring = plan.kind !== 'get';
  const record = (status: number, n: number, t: number) => {
    if (!measuring) return;
    latencies.push(performance.now() - t);
    statuses[status] = (statuses[status] ?? 0) + 1;
    bytes += n;
    if (status >= 400) errors++;
  };
  const fail = (e: unknown) => {
    errors++;
    if (failures.length < 5) failures.push((e as Error).message);
  };
  let t0 = performance.now();
  let sent: number | undefined;
  if (plan.kind !== 'get') {
    const reqs = plan.kind === 'append' ? appendRequests(plan) : postRequests(plan);
    for (const r of reqs) r.headers['Content-Length'] = String(r.body?.length ?? 0);
    let next = 0;
    t0 = performance.now();
    const stopAt = plan.kind === 'post' && plan.maxDurationMs !== undefined ? t0 + plan.maxDurationMs : Infinity;
    const loop = async () => {
      while (next < reqs.length && (stopAt === Infinity || performance.now() < stopAt)) {
        const r = reqs[next++] as Req;
        const t = performance.now();
        try {
          const res = await send(agent, base, r);
          record(res.status, res.bytes, t);
        } catch (e) {
          fail(e);
        }
      }
    };
    await Promise.all(Array.from({ length: plan.concurrency }, loop));
    if (plan.kind === 'post') sent = next;
  } else {
    let next = 0;
    let stopAt = performance.now() + plan.warmupMs;
    const loop = async () => {
      while (performance.now() < stopAt) {
        const path = plan.paths[next++ % plan.paths.length] as string;
        const t = performance.now();
        try {
          const res = await send(agent, base, { method: 'GET', path, headers: plan.headers });
          record(res.status, res.bytes, t);
        } catch (e) {
          fail(e);
        }
      }
    };
    if (plan.warmupMs > 0) await Promise.all(Array.from({ length: plan.concurrency }, loop));
    measuring = true;
    t0 = performance.now();
    stopAt = t0 + plan.durationMs;
    await Promise.all(Array.from({ length: plan.concurrency }, loop));
  }
  const elapsedMs = performance.now() - t0;
  agent.destroy();
  return {
    requests: latencies.length,
    errors,
    statuses,
    failures,
    bytes,
    elapsedMs,
    latenciesMs: Float64Array.from(latencies),
    ...(sent !== undefined ? { sent } : {}),
  };
}

/** Runs `plan` in a worker thread and resolves with its result. */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: plan });
    worker.once('message', (r: LoadResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the load worker exited with code ${code}`));
    });
  });
}

if (parentPort && (workerData as LoadPlan | null)?.url) {
  const port = parentPort;
  run(workerData as LoadPlan).then(
    (r) => port.postMessage(r, [r.latenciesMs.buffer as ArrayBuffer]),
    (e: unknown) => {
      throw e;
    },
  );
}
