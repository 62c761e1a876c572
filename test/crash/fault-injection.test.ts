/**
 * The fault-hook store drives the same checks as the kill test, for each
 * injected failure point: the real Sequencer runs on a MemoryStore while
 * concurrent submitters append (and retry what is rejected), and faults are armed
 * at seeded random points of the workload:
 *
 * - a commit that is lost, or that persists but reports failure;
 * - a failing leaf-hash lookup (the dedup step);
 * - latestCheckpoint / readTile failing while the sequencer recovers.
 *
 * After each fault: the submitters of the failed batch got an error (never an
 * index), the sequencer recovers and keeps sequencing, and its state matches the
 * store. At the end: every acknowledged entry is at its index, nothing is in the
 * log twice, and every checkpoint the sequencer exposed or the store committed is
 * consistent with the final one. A new Sequencer on the same store continues from
 * the committed state.
 *
 * MATTERLOG_FAULT_SEED=<seed> replays a schedule (the seed is printed).
 */
import { describe, expect, it } from 'vitest';
import { useNodeCrypto } from '../../src/app/node-crypto.js';
import { fromUtf8 } from '../../src/ledger/bytes.js';
import { defaultSequencerOptions, Sequencer, type SequencerOptions } from '../../src/log/sequencer.js';
import { type FaultMode, MemoryStore } from '../../src/store/memory/memory-store.js';
import { BatchMaker, testIdentity, testKey } from '../helpers/log-fixtures.js';
import { checkFinalLog, type FinalLog } from '../helpers/log-invariants.js';
import { type Rng, seededRng, testSeed } from '../helpers/seeded-random.js';
import { SequencerWorkload } from './sequencer-workload.js';

useNodeCrypto();

interface FaultCase {
  name: string;
  commit?: FaultMode;
  findLeafHashes?: FaultMode;
  /** Failures of these reads during the recovery that follows. */
  latestCheckpoint?: number;
  readTile?: number;
}

const FAULTS: FaultCase[] = [
  { name: 'commit lost', commit: 'lost' },
  { name: 'commit persisted, reported failed', commit: 'persisted' },
  { name: 'findLeafHashes fails', findLeafHashes: 'lost' },
  { name: 'findLeafHashes reads, then fails', findLeafHashes: 'persisted' },
  { name: 'commit lost; latestCheckpoint fails in recovery', commit: 'lost', latestCheckpoint: 1 },
  { name: 'commit persisted; latestCheckpoint fails twice', commit: 'persisted', latestCheckpoint: 2 },
  { name: 'commit lost; readTile fails in recovery', commit: 'lost', readTile: 1 },
  { name: 'commit persisted; readTile fails 3 times', commit: 'persisted', readTile: 3 },
  {
    name: 'findLeafHashes fails; latestCheckpoint, then readTile fail',
    findLeafHashes: 'lost',
    latestCheckpoint: 1,
    readTile: 1,
  },
];

const options = (): SequencerOptions => ({
  ...defaultSequencerOptions,
  signer: testKey.signer,
  verifier: testKey.verifier,
  maxBatchSize: 16,
  maxBatchDelayMs: 0,
  holder: 'fault-injection test',
});

async function newLog(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.initialise(testIdentity(), new BatchMaker().emptyCheckpoint());
  return store;
}

function arm(store: MemoryStore, f: FaultCase): void {
  if (f.commit) store.injectFault('commit', f.commit);
  if (f.findLeafHashes) store.injectFault('findLeafHashes', f.findLeafHashes);
  if (f.latestCheckpoint) store.injectFault('latestCheckpoint', 'lost', f.latestCheckpoint);
  if (f.readTile) store.injectFault('readTile', 'persisted', f.readTile);
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The sequencer's view matches the store's, and no armed fault was left unfired. */
async function expectInSync(w: SequencerWorkload, store: MemoryStore): Promise<void> {
  const latest = await store.latestCheckpoint(); // throws if a latestCheckpoint fault was left armed
  await store.readTile(0, 0);
  await store.findLeafHashes([]);
  expect(w.seq.size).toBe(latest?.size);
  expect(w.seq.checkpoint).toBe(latest && fromUtf8(latest.note));
}

/**
 * One burst of concurrent submitters; `fault` is armed after a random number of
 * acknowledgements. A last entry after the burst fires the fault at the latest;
 * once it is acknowledged, the sequencer has recovered.
 */
async function episode(w: SequencerWorkload, store: MemoryStore, rng: Rng, fault: FaultCase): Promise<void> {
  const before = { ...w.counters, failed: w.seq.stats().failedCommits };
  const armAfter = rng.int(0, 40);
  let acks = 0;
  let armed = false;
  w.onAck = () => {
    if (!armed && ++acks > armAfter) {
      arm(store, fault);
      armed = true;
    }
  };
  await w.burst(rng.int(2, 6), rng.int(2, 12));
  w.onAck = null;
  if (!armed) arm(store, fault);
  await w.submit([w.fresh()]);
  await expectInSync(w, store);

  const what = `after "${fault.name}" (armed after ${armAfter} acks)`;
  expect(w.seq.stats().failedCommits - before.failed, `failed batches ${what}`).toBeGreaterThanOrEqual(1);
  expect(w.counters.errors, `submitters told of the failure ${what}`).toBeGreaterThan(before.errors);
  if ((fault.latestCheckpoint ?? 0) + (fault.readTile ?? 0) >= 2) {
    // The first retry found the store still failing: submitters are told so.
    expect(w.counters.unavailable, `"unavailable" answers ${what}`).toBeGreaterThan(before.unavailable);
  }
  if (fault.commit === 'persisted') {
    expect(w.counters.foundAfterError, `rejected entries found in the log ${what}`).toBeGreaterThan(
      before.foundAfterError,
    );
  }
  if (fault.commit === 'lost') {
    expect(w.counters.sequencedAfterError, `rejected entries sequenced anew ${what}`).toBeGreaterThan(
      before.sequencedAfterError,
    );
  }
}

/** The final log as the store holds it, plus every checkpoint the store ever committed. */
async function finalLog(store: MemoryStore): Promise<{ log: FinalLog; committed: string[] }> {
  const latest = await store.latestCheckpoint();
  if (!latest) throw new Error('no checkpoint');
  const committed: string[] = [];
  for (let size = 0; size <= latest.size; size++) {
    const c = await store.checkpointAt(size);
    if (c) committed.push(fromUtf8(c.note));
  }
  const log: FinalLog = {
    entries: await store.readEntries(0, latest.size),
    checkpoint: fromUtf8(latest.note),
    verifier: testKey.verifier,
    fetchTile: async (level, index, width) => {
      const tile = await store.readTile(level, index);
      if (!tile || tile.length < width * 32) throw new Error(`tile ${level}/${index} lacks ${width} hashes`);
      return tile.subarray(0, width * 32);
    },
  };
  return { log, committed };
}

async function checkEnd(w: SequencerWorkload, store: MemoryStore) {
  const { log, committed } = await finalLog(store);
  const summary = await checkFinalLog(log, w.acks, [...w.exposed, ...committed]);
  // Every entry made was acknowledged in the end, and the log holds exactly those.
  expect(summary.distinctAcked).toBe(w.made);
  expect(summary.size).toBe(w.made);
  return { ...summary, committedCheckpoints: committed.length };
}

describe('crash safety: injected store faults around the real sequencer', () => {
  it('keeps every acknowledged entry, once, at its index, through each fault at many points', async () => {
    const rng = seededRng(testSeed('MATTERLOG_FAULT_SEED', 'fault-injection'));
    const store = await newLog();
    const w = new SequencerWorkload(await Sequencer.start(store, options()), store, rng);
    await w.burst(4, 20);
    const rounds = 4;
    let persisted = 0;
    for (let round = 0; round < rounds; round++) {
      for (const fault of shuffled(FAULTS, rng)) {
        await episode(w, store, rng, fault);
        if (fault.commit === 'persisted') persisted++;
      }
    }
    const stats = w.seq.stats();
    await w.seq.stop();
    // Every commit the store applied is one the sequencer made once: the successful
    // ones plus those that persisted while reporting failure.
    expect(store.commitsApplied).toBe(stats.batches + persisted);
    const summary = await checkEnd(w, store);
    console.info(
      `fault-injection: ${rounds * FAULTS.length} faults (${FAULTS.length} kinds × ${rounds}), ` +
        `${stats.failedCommits} failed batches, ${w.counters.errors} rejections, ${summary.size} entries, ` +
        `${summary.acks} acks, ${summary.checkpoints} checkpoints checked (${summary.distinctCheckpointSizes} sizes)`,
    );
  });

  it('a new sequencer on the same store continues from the committed state', async () => {
    const rng = seededRng(testSeed('MATTERLOG_FAULT_SEED', 'fault-injection restart'));
    const store = await newLog();
    const first = await Sequencer.start(store, options());
    const w = new SequencerWorkload(first, store, rng);
    await w.burst(3, 30);
    for (const fault of shuffled(FAULTS, rng).slice(0, 4)) await episode(w, store, rng, fault);
    await expect(Sequencer.start(store, options())).rejects.toMatchObject({ code: 'lock_held' });

    // A commit persists but reports failure, and the sequencer stops before anyone retries.
    store.injectFault('commit', 'persisted');
    const orphans = [w.fresh(), w.fresh(), w.fresh()];
    const settled = await Promise.allSettled(first.addAll(orphans));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await first.stop();
    expect(() => first.add(new Uint8Array([1, 2, 3]))).toThrow(/shutting down/);
    const committed = await store.latestCheckpoint();
    if (!committed) throw new Error('no checkpoint');

    // A start that cannot read the store fails and leaves the lease free.
    store.injectFault('latestCheckpoint', 'lost');
    await expect(Sequencer.start(store, options())).rejects.toMatchObject({ code: 'storage_failure' });
    store.injectFault('readTile', 'lost');
    await expect(Sequencer.start(store, options())).rejects.toMatchObject({ code: 'storage_failure' });

    const second = await Sequencer.start(store, options());
    w.seq = second;
    expect(second.size).toBe(committed.size);
    expect(second.checkpoint).toBe(fromUtf8(committed.note));
    // The orphaned entries were committed: re-submitted, they are found where they are.
    const again = await Promise.all(second.addAll(orphans));
    expect(again.map((r) => [r.index, r.duplicate])).toEqual(
      [3, 2, 1].map((k) => [committed.size - k, true] as [number, boolean]),
    );
    await w.submit(orphans);
    // Everything acknowledged before the restart keeps its index (the workload checks each).
    await w.submit([...w.acknowledged]);
    // And the new sequencer appends after it, through faults of its own.
    const sizeAtRestart = second.size;
    for (const fault of shuffled(FAULTS, rng).slice(0, 4)) await episode(w, store, rng, fault);
    expect(second.size).toBeGreaterThan(sizeAtRestart);
    await second.stop();
    await checkEnd(w, store);
  });
});
