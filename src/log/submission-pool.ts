/**
 * Entries waiting to be sequenced: bounded (beyond the bounds submitters are
 * pushed back rather than queued without limit) and deduplicated (identical
 * bytes submitted while the first copy waits share its answer).
 */
import { toHex } from '../ledger/bytes.js';
import { checkEntrySize } from '../ledger/entry-bundle.js';
import { MatterlogError } from '../ledger/errors.js';
import { leafHash } from '../ledger/hash.js';

export interface AddResult {
  index: number;
  leafHash: Uint8Array;
  /** True when identical bytes were already in the log (the index is theirs). */
  duplicate: boolean;
  /**
   * The size of a committed checkpoint that includes the entry: for a new entry,
   * the first one; for a duplicate, the latest at the time of the answer.
   */
  treeSize: number;
}

export interface Waiter {
  resolve(r: AddResult): void;
  reject(e: unknown): void;
}

export interface Pending {
  /** The `add` call that brought the entry: a group is committed in one batch. */
  group: number;
  data: Uint8Array;
  leafHash: Uint8Array;
  hex: string;
  waiters: Waiter[];
}

export interface PoolLimits {
  maxPendingEntries: number;
  maxPendingBytes: number;
}

export class SubmissionPool {
  private pending: Pending[] = [];
  private readonly byHash = new Map<string, Pending>();
  private bytes = 0;
  private groups = 0;

  constructor(private readonly limits: PoolLimits) {}

  get size(): number {
    return this.pending.length;
  }

  /**
   * Accepts all of `entries` or none: an oversized entry or a full pool rejects
   * the whole call (`entry_too_large`, `pushback` with retryAfterSeconds).
   */
  add(entries: readonly Uint8Array[]): Promise<AddResult>[] {
    for (const [i, e] of entries.entries()) checkEntrySize(e, entries.length > 1 ? `entry ${i}` : 'the entry');
    const bytes = entries.reduce((n, e) => n + e.length, 0);
    if (
      this.pending.length + entries.length > this.limits.maxPendingEntries ||
      this.bytes + bytes > this.limits.maxPendingBytes
    ) {
      throw new MatterlogError(
        'pushback',
        `the log is busy (${this.pending.length} entries waiting to be sequenced); retry in a second`,
        {
          details: { retryAfterSeconds: 1, pending: this.pending.length },
        },
      );
    }
    const group = ++this.groups;
    return entries.map((data) => {
      const lh = leafHash(data);
      const hex = toHex(lh);
      return new Promise<AddResult>((resolve, reject) => {
        const same = this.byHash.get(hex);
        if (same) {
          same.waiters.push({ resolve, reject });
          return;
        }
        const p: Pending = { group, data, leafHash: lh, hex, waiters: [{ resolve, reject }] };
        this.pending.push(p);
        this.byHash.set(hex, p);
        this.bytes += data.length;
      });
    });
  }

  /**
   * Removes and returns the oldest entries, at most `n` of them, without splitting
   * what one `add` call brought: a request's statements are committed together
   * or not at all. A single group larger than `n` is taken whole.
   */
  take(n: number): Pending[] {
    let end = Math.min(n, this.pending.length);
    const at = (i: number) => (this.pending[i] as Pending).group;
    if (end > 0 && end < this.pending.length && at(end - 1) === at(end)) {
      const straddling = at(end);
      let start = end - 1;
      while (start > 0 && at(start - 1) === straddling) start--;
      if (start > 0) end = start;
      else while (end < this.pending.length && at(end) === straddling) end++;
    }
    const batch = this.pending.splice(0, end);
    for (const p of batch) {
      this.byHash.delete(p.hex);
      this.bytes -= p.data.length;
    }
    return batch;
  }
}

export function rejectAll(batch: readonly Pending[], err: unknown): void {
  for (const p of batch) for (const w of p.waiters) w.reject(err);
}
