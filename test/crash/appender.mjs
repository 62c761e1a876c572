/**
 * The appending client of test/crash/kill-server.test.ts, run as its own process
 * (a real, separate client of `matterlog serve`, which the test kills again and
 * again).
 *
 *   node appender.mjs <operator-token> <seed> [concurrency]
 *
 * Standard input, one command per line:
 *   url <base-url>   the server (re)started here; send everything there from now on
 *   finish           stop making new entries; get every entry submitted so far
 *                    acknowledged, then report and exit
 *
 * Standard output, one JSON object per line:
 *   {"t":"ack","e":<base64 entry>,"i":<index>,"s":<treeSize>,"d":<duplicate>,"via":"raw"|"json"}
 *   {"t":"cp","note":<signed checkpoint note>}          every new checkpoint polled
 *   {"t":"fail","n":<entries>,"why":<reason>,"interrupted":<bool>}  a request that failed
 *   {"t":"done",...counters}                             after "finish", just before exit 0
 *   {"t":"fatal","why":<reason>}                         then exit 1
 *
 * Several requests are always in flight: single raw entries (POST /append,
 * application/octet-stream) and JSON batches ({"entries":[base64…]}). A request
 * that fails (server killed, connection refused, 503) has its unacknowledged
 * entries queued and re-submitted later, in a new mix of requests, so entries
 * that were in flight when the server died are submitted again. Some entries that
 * were already acknowledged are re-submitted on purpose: they must come back as
 * duplicates at the same index.
 */
import { createInterface } from 'node:readline';

const [token, seedArg, concurrencyArg] = process.argv.slice(2);
if (!token || !seedArg) {
  process.stderr.write('usage: node appender.mjs <token> <seed> [concurrency]\n');
  process.exit(2);
}
const concurrency = Number(concurrencyArg ?? '8');

let state = (Number(seedArg) ^ 0x5eed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (min, max) => min + Math.floor(random() * (max - min + 1));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

let url = null;
let finishing = false;
let nextId = 0;
const retryQueue = [];
/** base64 entry → index, for every entry acknowledged so far. */
const acked = new Map();
const ackedList = [];
let inFlight = 0;
const counters = { requests: 0, failed: 0, interrupted: 0, refused: 0, resubmitted: 0, duplicatesSent: 0 };

function freshEntry() {
  const id = nextId++;
  const filler = 'x'.repeat(int(0, 300));
  return Buffer.from(`crash-entry-${seedArg}-${id}-${filler}`).toString('base64');
}

/** Picks the entries of the next request: retries first, fresh ones, sometimes known ones again. */
function takeEntries() {
  const want = random() < 0.4 ? 1 : int(2, 24);
  const out = new Set();
  while (out.size < want && retryQueue.length > 0) {
    out.add(retryQueue.shift());
    counters.resubmitted++;
  }
  if (!finishing) {
    while (out.size < want) out.add(freshEntry());
  }
  if (ackedList.length > 0 && random() < 0.15) {
    out.add(ackedList[int(0, ackedList.length - 1)]);
    counters.duplicatesSent++;
  }
  return [...out];
}

function failure(e) {
  const code = e?.cause?.code ?? e?.code ?? '';
  // A refused connection never reached a server; anything else may have been
  // cut off mid-request by the kill.
  return { why: `${code || e?.message || String(e)}`, interrupted: code !== 'ECONNREFUSED' };
}

async function send(entries, currentUrl) {
  const raw = entries.length === 1 && random() < 0.7;
  const headers = { Authorization: `Bearer ${token}` };
  const res = raw
    ? await fetch(`${currentUrl}/append`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/octet-stream' },
        body: Buffer.from(entries[0], 'base64'),
      })
    : await fetch(`${currentUrl}/append`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ entries }),
      });
  const text = await res.text();
  if (res.status === 503) return { retry: `HTTP 503 ${text}` };
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${raw ? 'a raw entry' : 'a JSON batch'}: ${text}`);
  const body = JSON.parse(text);
  const results = raw ? [body] : body.results;
  if (!Array.isArray(results) || results.length !== entries.length) {
    throw new Error(`expected ${entries.length} results, got ${text}`);
  }
  return { results, via: raw ? 'raw' : 'json' };
}

async function worker() {
  for (;;) {
    if (finishing && retryQueue.length === 0) {
      if (inFlight === 0) return;
      await sleep(5);
      continue;
    }
    if (url === null) {
      await sleep(5);
      continue;
    }
    const entries = takeEntries();
    if (entries.length === 0) {
      await sleep(5);
      continue;
    }
    inFlight++;
    counters.requests++;
    let outcome;
    try {
      outcome = await send(entries, url);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('HTTP ')) {
        emit({ t: 'fatal', why: e.message });
        process.exit(1);
      }
      outcome = { error: failure(e) };
    }
    if (outcome.results) {
      entries.forEach((e, k) => {
        const r = outcome.results[k];
        if (!acked.has(e)) {
          acked.set(e, r.index);
          ackedList.push(e);
        }
        emit({ t: 'ack', e, i: r.index, s: r.treeSize, d: r.duplicate, via: outcome.via });
      });
    } else {
      const why = outcome.error?.why ?? outcome.retry;
      const interrupted = outcome.error?.interrupted ?? false;
      counters.failed++;
      if (interrupted) counters.interrupted++;
      else counters.refused++;
      // Unacknowledged entries go back into the queue; known ones need no retry.
      for (const e of entries) if (!acked.has(e)) retryQueue.push(e);
      emit({ t: 'fail', n: entries.length, why, interrupted });
    }
    inFlight--;
    if (!outcome.results) await sleep(int(5, 20));
  }
}

let polling = true;
async function pollCheckpoints() {
  let last = '';
  while (polling) {
    if (url !== null) {
      try {
        const res = await fetch(`${url}/checkpoint`);
        const note = await res.text();
        if (res.ok && note !== last) {
          last = note;
          emit({ t: 'cp', note });
        }
      } catch {
        // the server is down; it comes back under a new URL
      }
    }
    await sleep(10);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'url' && arg) url = arg.replace(/\/+$/, '');
  else if (cmd === 'finish') finishing = true;
});

const poller = pollCheckpoints();
await Promise.all(Array.from({ length: concurrency }, () => worker()));
polling = false;
await poller;
emit({ t: 'done', ...counters, entriesMade: nextId, acked: acked.size });
rl.close();
process.stdin.destroy();
