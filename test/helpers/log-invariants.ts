/**
 * The invariants every crash and fault test checks on the log it ends with:
 *
 * - every acknowledged entry is at the index it was acknowledged with (bytes
 *   compared), every acknowledgement of the same entry names the same index, and
 *   the tree size it was acknowledged with includes it;
 * - no entry appears twice;
 * - every checkpoint anyone was shown verifies with the log key, has the root the
 *   final entries give at its size, and a consistency proof to the final
 *   checkpoint (computed from the final tiles) verifies;
 * - the final root re-derives from the entries with the naive RFC 6962 reference.
 */
import { expect } from 'vitest';
import { toBase64 } from '../../src/ledger/bytes.js';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { leafHash } from '../../src/ledger/hash.js';
import type { NoteVerifier } from '../../src/ledger/note.js';
import { verifyConsistency } from '../../src/ledger/proof.js';
import { consistencyProofFromTiles, type TileFetcher } from '../../src/ledger/tile-proofs.js';
import { TreeBuilder } from '../../src/ledger/tree.js';
import { refRoot } from './reference-tree.js';

export interface AckRecord {
  /** The entry bytes, base64. */
  entry: string;
  index: number;
  treeSize: number;
}

export interface FinalLog {
  /** All entries of the final tree, in order. */
  entries: Uint8Array[];
  /** The final signed checkpoint. */
  checkpoint: string;
  verifier: NoteVerifier;
  /** Reads hash tiles of the final tree. */
  fetchTile: TileFetcher;
}

export interface InvariantSummary {
  size: number;
  acks: number;
  distinctAcked: number;
  checkpoints: number;
  distinctCheckpointSizes: number;
}

/** Checks acknowledgements against the final entries; returns entry (base64) → index. */
export function checkAcks(entries: readonly Uint8Array[], acks: readonly AckRecord[]): Map<string, number> {
  const at = new Map<string, number>();
  for (const a of acks) {
    const first = at.get(a.entry);
    if (first !== undefined && first !== a.index) {
      expect.fail(`entry ${a.entry.slice(0, 40)}… was acknowledged at index ${first} and later at ${a.index}`);
    }
    at.set(a.entry, a.index);
    if (a.index >= a.treeSize) expect.fail(`index ${a.index} acknowledged with tree size ${a.treeSize}`);
    if (a.treeSize > entries.length) {
      expect.fail(`tree size ${a.treeSize} was acknowledged but the final log holds ${entries.length} entries`);
    }
    const stored = entries[a.index];
    if (stored === undefined || toBase64(stored) !== a.entry) {
      expect.fail(`the entry acknowledged at index ${a.index} is not there (found ${stored?.length ?? 'no'} bytes)`);
    }
  }
  return at;
}

export function checkNoDuplicates(entries: readonly Uint8Array[]): void {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const k = toBase64(e);
    const j = seen.get(k);
    if (j !== undefined) expect.fail(`entry ${i} repeats entry ${j}`);
    seen.set(k, i);
  });
}

/** Checks every observed checkpoint against the final log (see the header). */
export async function checkCheckpoints(log: FinalLog, observed: readonly string[]): Promise<number> {
  const final = openCheckpoint(log.checkpoint, log.verifier);
  expect(final.size).toBe(log.entries.length);
  const opened = observed.map((note) => openCheckpoint(note, log.verifier));
  const sizes = new Set(opened.map((c) => c.size));
  // Roots the final entries give at every observed size, in one pass.
  const roots = new Map<number, string>();
  const tree = new TreeBuilder();
  if (sizes.has(0)) roots.set(0, toBase64(tree.root()));
  for (const e of log.entries) {
    tree.append(leafHash(e));
    if (sizes.has(tree.size)) roots.set(tree.size, toBase64(tree.root()));
  }
  expect(toBase64(tree.root()), 'final root from the entries').toBe(toBase64(final.root));
  expect(toBase64(refRoot(log.entries.map(leafHash))), 'final root, RFC 6962 reference').toBe(toBase64(final.root));
  const proofs = new Map<number, Uint8Array[]>();
  for (const c of opened) {
    if (c.size > final.size) expect.fail(`a checkpoint of size ${c.size} was shown; the final log has ${final.size}`);
    expect(toBase64(c.root), `root of the checkpoint at size ${c.size}`).toBe(roots.get(c.size));
    let proof = proofs.get(c.size);
    if (!proof) {
      proof = await consistencyProofFromTiles(c.size, final.size, log.fetchTile);
      proofs.set(c.size, proof);
    }
    verifyConsistency(c.size, final.size, proof, c.root, final.root);
  }
  return sizes.size;
}

/** All of the above. */
export async function checkFinalLog(
  log: FinalLog,
  acks: readonly AckRecord[],
  observedCheckpoints: readonly string[],
): Promise<InvariantSummary> {
  checkNoDuplicates(log.entries);
  const acked = checkAcks(log.entries, acks);
  const distinctSizes = await checkCheckpoints(log, observedCheckpoints);
  return {
    size: log.entries.length,
    acks: acks.length,
    distinctAcked: acked.size,
    checkpoints: observedCheckpoints.length,
    distinctCheckpointSizes: distinctSizes,
  };
}
