/**
 * The store contract (src/store/contract.ts), checked against every driver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/ledger/bytes.js';
import { isMatterlogError } from '../../src/ledger/errors.js';
import { leafHash } from '../../src/ledger/hash.js';
import type { LogStore } from '../../src/store/contract.js';
import { BatchMaker, testIdentity } from '../helpers/log-fixtures.js';
import { allDrivers, type DriverFactory } from './drivers.js';

const drivers = await allDrivers();

describe.each(drivers.map((d) => [d.name, d] as const))('store contract: %s', (_name, driver: DriverFactory) => {
  const opened: LogStore[] = [];
  const fresh = async () => {
    const s = await driver.create();
    opened.push(s);
    return s;
  };
  const initialised = async () => {
    const s = await fresh();
    const maker = new BatchMaker();
    await s.initialise(testIdentity(), maker.emptyCheckpoint());
    return { s, maker };
  };

  beforeAll(() => {});
  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => {});
    await driver.cleanup();
  });

  it('starts empty and records the identity and the size-0 checkpoint once', async () => {
    const s = await fresh();
    expect(await s.identity()).toBeNull();
    expect(await s.latestCheckpoint()).toBeNull();
    const maker = new BatchMaker();
    await s.initialise(testIdentity(), maker.emptyCheckpoint());
    expect(await s.identity()).toEqual(testIdentity());
    const cp = await s.latestCheckpoint();
    expect(cp?.size).toBe(0);
    expect(toHex(cp?.note as Uint8Array)).toBe(toHex(maker.emptyCheckpoint()));
    await expect(s.initialise(testIdentity(), maker.emptyCheckpoint())).rejects.toMatchObject({ code: 'conflict' });
  });

  it('commits entries, tiles and checkpoint together and reads them back', async () => {
    const { s, maker } = await initialised();
    const lease = await s.acquireSequencerLease('test');
    const b1 = maker.next(300);
    await lease.commit(b1);
    const b2 = maker.next(5);
    await lease.commit(b2);
    expect((await s.latestCheckpoint())?.size).toBe(305);
    expect(toHex((await s.checkpointAt(300))?.note as Uint8Array)).toBe(toHex(b1.checkpoint));
    expect(await s.checkpointAt(7)).toBeNull();
    const entries = await s.readEntries(298, 303);
    expect(entries.map((e) => new TextDecoder().decode(e))).toEqual([
      'entry-298',
      'entry-299',
      'entry-300',
      'entry-301',
      'entry-302',
    ]);
    // The level-0 edge tile grew from 44 to 49 hashes; the full tile 0 never changes.
    expect((await s.readTile(0, 1))?.length).toBe(49 * 32);
    expect((await s.readTile(0, 0))?.length).toBe(256 * 32);
    expect((await s.readTile(1, 0))?.length).toBe(32);
    expect(await s.readTile(0, 2)).toBeNull();
    const found = await s.findLeafHashes([
      leafHash(utf8('entry-17')),
      leafHash(utf8('never logged')),
      leafHash(utf8('entry-304')),
    ]);
    expect([...found.values()]).toEqual([17, 304]);
    await expect(s.readEntries(300, 306)).rejects.toMatchObject({ code: 'not_found' });
    await lease.release();
  });

  it('refuses a commit from a stale size and changes nothing (compare-and-swap)', async () => {
    const { s, maker } = await initialised();
    const lease = await s.acquireSequencerLease('test');
    await lease.commit(maker.next(10));
    const stale = { ...maker.next(3), fromSize: 5, toSize: 8 };
    await expect(lease.commit(stale)).rejects.toMatchObject({ code: 'conflict' });
    expect((await s.latestCheckpoint())?.size).toBe(10);
    expect((await s.findLeafHashes([stale.entries[0]?.leafHash as Uint8Array])).size).toBe(0);
    await lease.release();
  });

  it('refuses a batch that re-adds a leaf, atomically: no entry, tile or checkpoint of it remains', async () => {
    const { s, maker } = await initialised();
    const lease = await s.acquireSequencerLease('test');
    await lease.commit(maker.next(4));
    const tileBefore = toHex((await s.readTile(0, 0)) as Uint8Array);
    const again = maker.next(3, (i) => utf8(i === 5 ? 'entry-1' : `x-${i}`));
    await expect(lease.commit(again)).rejects.toSatisfy((e: unknown) => isMatterlogError(e, 'conflict'));
    expect((await s.latestCheckpoint())?.size).toBe(4);
    expect(toHex((await s.readTile(0, 0)) as Uint8Array)).toBe(tileBefore);
    await expect(s.readEntries(4, 5)).rejects.toMatchObject({ code: 'not_found' });
    expect((await s.findLeafHashes([again.entries[0]?.leafHash as Uint8Array])).size).toBe(0);
    await lease.release();
  });

  it('refuses a batch whose sizes contradict its entries', async () => {
    const { s, maker } = await initialised();
    const lease = await s.acquireSequencerLease('test');
    await expect(lease.commit({ ...maker.next(2), toSize: 3 })).rejects.toMatchObject({ code: 'invalid_input' });
    await lease.release();
  });

  it('grants one sequencer lease at a time, and again after release', async () => {
    const { s } = await initialised();
    const lease = await s.acquireSequencerLease('first sequencer');
    const err = await s.acquireSequencerLease('second').catch((e: unknown) => e);
    expect(isMatterlogError(err, 'lock_held')).toBe(true);
    expect((err as Error).message).toMatch(/another sequencer is already running/);
    expect((err as Error).message).toMatch(/first sequencer/);
    await lease.release();
    await lease.release();
    const again = await s.acquireSequencerLease('second');
    await expect(lease.commit(new BatchMaker().next(1))).rejects.toMatchObject({ code: 'unavailable' });
    await again.release();
  });

  // Only drivers with a second connection to the same data (not memory) have this to prove.
  (driver.reopen ? it : () => {})(
    'keeps the lease exclusive across connections, and data durable across reopen',
    async () => {
      const { s, maker } = await initialised();
      const lease = await s.acquireSequencerLease('holder A');
      await lease.commit(maker.next(600));
      const other = await (driver.reopen as (x: LogStore) => Promise<LogStore>)(s);
      opened.push(other);
      await expect(other.acquireSequencerLease('holder B')).rejects.toMatchObject({ code: 'lock_held' });
      // A reader on another connection sees the committed state.
      expect((await other.latestCheckpoint())?.size).toBe(600);
      expect((await other.readEntries(599, 600)).length).toBe(1);
      await lease.release();
      const leaseB = await other.acquireSequencerLease('holder B');
      await leaseB.commit(maker.next(1));
      expect((await s.latestCheckpoint())?.size).toBe(601);
      await leaseB.release();
    },
  );

  it('lets reads run while a commit is in flight, each seeing all of a commit or none', async () => {
    const { s, maker } = await initialised();
    const lease = await s.acquireSequencerLease('test');
    const batches = Array.from({ length: 20 }, () => maker.next(100));
    const sizes = new Set<number>();
    const reads = (async () => {
      for (let i = 0; i < 60; i++) {
        const cp = await s.latestCheckpoint();
        const size = cp?.size ?? 0;
        sizes.add(size);
        if (size > 0) {
          // Every entry and tile the checkpoint covers is readable.
          expect((await s.readEntries(size - 1, size)).length).toBe(1);
          const tile = await s.readTile(0, Math.floor((size - 1) / 256));
          expect((tile?.length ?? 0) / 32).toBeGreaterThanOrEqual(((size - 1) % 256) + 1);
        }
      }
    })();
    for (const b of batches) await lease.commit(b);
    await reads;
    for (const size of sizes) expect(size % 100).toBe(0);
    await lease.release();
  });

  it('stores entries byte for byte, including empty and maximum-size ones', async () => {
    const { s, maker } = await initialised();
    const lease = await s.acquireSequencerLease('test');
    const big = new Uint8Array(65535).map((_, i) => i % 251);
    const b = maker.next(3, (i) => (i === 0 ? new Uint8Array(0) : i === 1 ? big : new Uint8Array([0, 255, 0])));
    await lease.commit(b);
    const got = await s.readEntries(0, 3);
    expect(got.map((e) => e.length)).toEqual([0, 65535, 3]);
    expect(toHex(got[1] as Uint8Array)).toBe(toHex(big));
    await lease.release();
  });
});
