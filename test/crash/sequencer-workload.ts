/**
 * Concurrent submitters for the real Sequencer on a fault-injecting MemoryStore.
 *
 * Each submitter sends its entries in random groups (add / addAll, sometimes the
 * same group twice at once, sometimes with an entry that is already in the log)
 * and re-submits every entry that was rejected until it is acknowledged. Every
 * answer is checked the moment it arrives:
 *
 * - an acknowledgement is durable: the store already holds the entry at that
 *   index and a checkpoint at the acknowledged tree size;
 * - an entry acknowledged before keeps its index and is reported as a duplicate;
 * - the checkpoint the sequencer exposes is the one the store committed at its size;
 * - a rejection is a MatterlogError the submitter can act on (retry), never an index.
 */
import { expect } from 'vitest';
import { bytesEqual, fromUtf8, toBase64, toHex, utf8 } from '../../src/ledger/bytes.js';
import { isMatterlogError, type MatterlogError } from '../../src/ledger/errors.js';
import { leafHash } from '../../src/ledger/hash.js';
import type { AddResult, Sequencer } from '../../src/log/sequencer.js';
import type { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { AckRecord } from '../helpers/log-invariants.js';
import type { Rng } from '../helpers/seeded-random.js';

export interface WorkloadCounters {
  acks: number;
  errors: number;
  /** Errors saying the store could not be reached (the sequencer's recovery failed too). */
  unavailable: number;
  /** Entries that were rejected and, re-submitted, turned out to be in the log already. */
  foundAfterError: number;
  /** Entries that were rejected and, re-submitted, were sequenced anew. */
  sequencedAfterError: number;
}

export class SequencerWorkload {
  /** The sequencer under test; replace it to continue after a restart. */
  seq: Sequencer;
  readonly acks: AckRecord[] = [];
  /** Every checkpoint the sequencer exposed, sampled at every answer. */
  readonly exposed: string[] = [];
  readonly counters: WorkloadCounters = {
    acks: 0,
    errors: 0,
    unavailable: 0,
    foundAfterError: 0,
    sequencedAfterError: 0,
  };
  private readonly indexOf = new Map<string, number>();
  private readonly rejected = new Set<string>();
  private readonly known: Uint8Array[] = [];
  private nextId = 0;
  /** Called after every acknowledgement. */
  onAck: (() => void) | null = null;

  constructor(
    seq: Sequencer,
    private readonly store: MemoryStore,
    private readonly rng: Rng,
    private readonly prefix = 'fault-entry',
  ) {
    this.seq = seq;
  }

  /** A new, distinct entry (sizes vary). */
  fresh(): Uint8Array {
    return utf8(`${this.prefix}-${this.nextId++}-${'y'.repeat(this.rng.int(0, 40))}`);
  }

  get made(): number {
    return this.nextId;
  }

  /** Entries acknowledged so far, in the order first acknowledged. */
  get acknowledged(): readonly Uint8Array[] {
    return this.known;
  }

  /** Runs `submitters` concurrent submitters with `each` fresh entries apiece, until all are acknowledged. */
  async burst(submitters: number, each: number): Promise<void> {
    await Promise.all(
      Array.from({ length: submitters }, () => this.submit(Array.from({ length: each }, () => this.fresh()))),
    );
  }

  /** One submitter: sends `entries` (and re-sends rejected ones) until every one is acknowledged. */
  async submit(entries: readonly Uint8Array[]): Promise<void> {
    const todo = [...entries];
    while (todo.length > 0) {
      const group = todo.splice(0, this.rng.int(1, 6));
      if (this.known.length > 0 && this.rng.chance(0.15)) group.push(this.rng.pick(this.known));
      const before = new Map(group.map((e) => [e, this.indexOf.get(toBase64(e))]));
      const twice = this.rng.chance(0.1);
      const calls = [this.send(group), ...(twice ? [this.send(group)] : [])];
      const outcomes = await Promise.all(calls);
      const done = new Set<Uint8Array>();
      let unavailable = false;
      for (const results of outcomes) {
        for (const [k, r] of results.entries()) {
          const e = group[k] as Uint8Array;
          if (r.status === 'fulfilled') {
            await this.onAcknowledged(e, r.value, before.get(e));
            done.add(e);
          } else {
            this.rejection(e, r.reason);
            unavailable ||= isMatterlogError(r.reason, 'unavailable');
          }
        }
      }
      // Like a client honouring Retry-After (shortened): the sequencer is backing off.
      if (unavailable) await new Promise((r) => setTimeout(r, 20));
      for (const e of group) if (!done.has(e) && !this.indexOf.has(toBase64(e))) todo.push(e);
      if (this.rng.chance(0.3)) await new Promise((r) => setImmediate(r));
    }
  }

  private send(group: Uint8Array[]): Promise<PromiseSettledResult<AddResult>[]> {
    const single = group.length === 1 && this.rng.chance(0.5);
    return Promise.allSettled(single ? [this.seq.add(group[0] as Uint8Array)] : this.seq.addAll(group));
  }

  private async onAcknowledged(entry: Uint8Array, r: AddResult, knownBefore: number | undefined): Promise<void> {
    const b64 = toBase64(entry);
    expect(toHex(r.leafHash)).toBe(toHex(leafHash(entry)));
    expect(r.index).toBeLessThan(r.treeSize);
    if (knownBefore !== undefined) {
      expect(r.index, 'an entry already in the log keeps its index').toBe(knownBefore);
      expect(r.duplicate).toBe(true);
    }
    const first = this.indexOf.get(b64);
    if (first !== undefined) expect(r.index).toBe(first);
    // Acknowledged means durable: the store holds it already, with the checkpoint.
    const [stored] = await this.store.readEntries(r.index, r.index + 1);
    expect(stored !== undefined && bytesEqual(stored, entry), `entry at acknowledged index ${r.index}`).toBe(true);
    expect(await this.store.checkpointAt(r.treeSize), `checkpoint at acknowledged size ${r.treeSize}`).not.toBeNull();
    if (first === undefined) {
      this.indexOf.set(b64, r.index);
      this.known.push(entry);
      if (this.rejected.has(b64)) {
        if (r.duplicate) this.counters.foundAfterError++;
        else this.counters.sequencedAfterError++;
      }
    }
    this.acks.push({ entry: b64, index: r.index, treeSize: r.treeSize });
    this.counters.acks++;
    await this.sampleCheckpoint();
    this.onAck?.();
  }

  private rejection(entry: Uint8Array, reason: unknown): void {
    if (!isMatterlogError(reason) || !['storage_failure', 'unavailable'].includes(reason.code)) {
      expect.fail(`a submitter got ${String(reason)}; expected a storage_failure or unavailable MatterlogError`);
    }
    const e = reason as MatterlogError;
    this.counters.errors++;
    if (e.code === 'unavailable') this.counters.unavailable++;
    this.rejected.add(toBase64(entry));
  }

  /** Records the sequencer's current checkpoint and checks that the store committed exactly it. */
  async sampleCheckpoint(): Promise<void> {
    const note = this.seq.checkpoint;
    this.exposed.push(note);
    const size = Number(note.split('\n')[1]);
    const stored = await this.store.checkpointAt(size);
    expect(stored && fromUtf8(stored.note), `the exposed checkpoint at size ${size} is the committed one`).toBe(note);
  }
}
