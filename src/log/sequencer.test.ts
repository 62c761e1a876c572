import { describe, expect, it } from 'vitest';
import { memoryStoreWithLog, sequencerOptions } from '../../test/helpers/memory-log.js';
import { toHex, utf8 } from '../ledger/bytes.js';
import { openCheckpoint } from '../ledger/checkpoint.js';
import { isMatterlogError } from '../ledger/errors.js';
import { leafHash } from '../ledger/hash.js';
import { ed25519NoteKey } from '../ledger/note.js';
import { verifyInclusion } from '../ledger/proof.js';
import { LogReader } from './log-reader.js';
import { Sequencer } from './sequencer.js';

const entries = (n: number, p = 'e') => Array.from({ length: n }, (_, i) => utf8(`${p}-${i}`));

describe('Sequencer', () => {
  it('sequences concurrent submissions in batches no larger than maxBatchSize, each durable before it is answered', async () => {
    const store = await memoryStoreWithLog();
    const seq = await Sequencer.start(store, sequencerOptions({ maxBatchSize: 100, maxBatchDelayMs: 5 }));
    const results = await Promise.all(entries(1000).map((e) => seq.add(e)));
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(seq.stats().batches).toBeGreaterThanOrEqual(10);
    expect(seq.stats().batches).toBeLessThan(1000);
    // Every answer was given after its checkpoint was in the store.
    for (const r of results) expect((await store.checkpointAt(r.treeSize)) !== null).toBe(true);
    const reader = new LogReader(store);
    const cp = openCheckpoint((await reader.checkpoint()).note, sequencerOptions().verifier);
    const p = await reader.inclusionProof(777);
    verifyInclusion(leafHash(utf8('e-777')), 777, cp.size, p.proof, cp.root);
    await seq.stop();
  });

  it('gives identical bytes the index they already have, in the pool and in the store', async () => {
    const store = await memoryStoreWithLog();
    const seq = await Sequencer.start(store, sequencerOptions());
    const [a, b] = await Promise.all([seq.add(utf8('same')), seq.add(utf8('same'))]);
    expect(a?.index).toBe(0);
    expect(b?.index).toBe(0);
    await seq.add(utf8('other'));
    const again = await seq.add(utf8('same'));
    expect(again).toMatchObject({ index: 0, duplicate: true });
    expect(seq.size).toBe(2);
    await seq.stop();
  });

  it('restarts from the last committed checkpoint and carries on', async () => {
    const store = await memoryStoreWithLog();
    const first = await Sequencer.start(store, sequencerOptions());
    await Promise.all(first.addAll(entries(300)));
    const checkpoint = first.checkpoint;
    await first.stop();
    const second = await Sequencer.start(store, sequencerOptions());
    expect(second.checkpoint).toBe(checkpoint);
    expect((await second.add(utf8('e-5'))).index).toBe(5);
    expect((await second.add(utf8('new'))).index).toBe(300);
    await second.stop();
  });

  it('lets only one sequencer run on a store', async () => {
    const store = await memoryStoreWithLog();
    const seq = await Sequencer.start(store, sequencerOptions({ holder: 'the first one' }));
    const err = await Sequencer.start(store, sequencerOptions()).catch((e: unknown) => e);
    expect(isMatterlogError(err, 'lock_held')).toBe(true);
    expect((err as Error).message).toMatch(/the first one/);
    await seq.stop();
    await (await Sequencer.start(store, sequencerOptions())).stop();
  });

  it('refuses to start with another log key, or on tiles that do not match the signed root', async () => {
    const store = await memoryStoreWithLog();
    const other = ed25519NoteKey('other.example/log', new Uint8Array(32).fill(1));
    await expect(
      Sequencer.start(store, sequencerOptions({ signer: other.signer, verifier: other.verifier })),
    ).rejects.toMatchObject({
      code: 'config',
    });
    const seq = await Sequencer.start(store, sequencerOptions());
    await Promise.all(seq.addAll(entries(10)));
    await seq.stop();
    // Damage the stored edge tile: the restart must notice rather than extend a wrong tree.
    const tile = (await store.readTile(0, 0)) as Uint8Array;
    tile[5] = (tile[5] as number) ^ 1;
    await expect(Sequencer.start(store, sequencerOptions())).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('finishes everything accepted when stopped, then refuses new entries', async () => {
    const store = await memoryStoreWithLog();
    const seq = await Sequencer.start(store, sequencerOptions({ maxBatchDelayMs: 10_000 }));
    const pending = seq.addAll(entries(50));
    await seq.stop();
    expect((await Promise.all(pending)).length).toBe(50);
    expect(() => seq.add(utf8('late'))).toThrow(/shutting down/);
    expect((await store.latestCheckpoint())?.size).toBe(50);
  });

  it('rejects an entry over 65,535 bytes before it reaches the pool', async () => {
    const store = await memoryStoreWithLog();
    const seq = await Sequencer.start(store, sequencerOptions());
    expect(() => seq.addAll([utf8('ok'), new Uint8Array(65536)])).toThrow(/entry 1 is 65536 bytes/);
    expect(seq.stats().pending).toBe(0);
    await seq.stop();
  });

  it('commits what one call submitted in one batch, even past maxBatchSize, and fails it whole', async () => {
    const store = await memoryStoreWithLog();
    const seq = await Sequencer.start(store, sequencerOptions({ maxBatchSize: 4, maxBatchDelayMs: 20 }));
    const a = seq.addAll(entries(3));
    const b = seq.addAll(['x1', 'x2', 'x3'].map(utf8));
    const big = seq.addAll(['y1', 'y2', 'y3', 'y4', 'y5', 'y6', 'y7'].map(utf8));
    const sizes = (await Promise.all([...a, ...b, ...big])).map((r) => r.treeSize);
    // 3 + 3 would split b across two batches of at most 4: b waits for the next batch
    // instead, and the 7 entries of one call make one batch of their own.
    expect(sizes).toEqual([3, 3, 3, 6, 6, 6, 13, 13, 13, 13, 13, 13, 13]);
    store.injectFault('commit', 'lost');
    const failing = seq.addAll(['z1', 'z2', 'z3', 'z4', 'z5', 'z6'].map(utf8));
    const settled = await Promise.allSettled(failing);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
    expect((await store.latestCheckpoint())?.size).toBe(13);
    await seq.stop();
  });

  it('tells submitters of a failed commit, recovers, and sequences what comes next', async () => {
    const store = await memoryStoreWithLog();
    const seq = await Sequencer.start(store, sequencerOptions());
    await seq.add(utf8('before'));
    store.injectFault('commit', 'lost');
    await expect(seq.add(utf8('lost one'))).rejects.toMatchObject({ code: 'storage_failure' });
    store.injectFault('commit', 'persisted');
    await expect(seq.add(utf8('persisted one'))).rejects.toMatchObject({ code: 'storage_failure' });
    // The "persisted" entry made it in: a retry gets its index; the lost one is sequenced anew.
    expect(await seq.add(utf8('persisted one'))).toMatchObject({ index: 1, duplicate: true });
    expect(await seq.add(utf8('lost one'))).toMatchObject({ index: 2, duplicate: false });
    const found = await store.findLeafHashes([leafHash(utf8('lost one'))]);
    expect(found.get(toHex(leafHash(utf8('lost one'))))).toBe(2);
    await seq.stop();
  });
});
