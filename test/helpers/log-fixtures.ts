/**
 * Builders for realistic commits, so store and log tests exercise real tiles and
 * real signed checkpoints rather than placeholder bytes.
 */
import { utf8 } from '../../src/ledger/bytes.js';
import { formatCheckpoint } from '../../src/ledger/checkpoint.js';
import { leafHash } from '../../src/ledger/hash.js';
import { ed25519NoteKey, signNote } from '../../src/ledger/note.js';
import { TreeBuilder } from '../../src/ledger/tree.js';
import type { CommitBatch, LogIdentity } from '../../src/store/contract.js';

export const testKey = ed25519NoteKey('test.example/log', new Uint8Array(32).fill(7));

export function testIdentity(): LogIdentity {
  return { origin: testKey.signer.name, vkey: testKey.vkey, createdAt: '2026-11-25T00:00:00.000Z' };
}

export function signedCheckpoint(tree: TreeBuilder): Uint8Array {
  const text = formatCheckpoint({ origin: testKey.signer.name, size: tree.size, root: tree.root() });
  return utf8(signNote(text, [testKey.signer]));
}

/** Makes consecutive, internally consistent commit batches for one tree. */
export class BatchMaker {
  readonly tree = new TreeBuilder();
  private counter = 0;

  constructor(private readonly prefix = 'entry-') {}

  emptyCheckpoint(): Uint8Array {
    return signedCheckpoint(new TreeBuilder());
  }

  next(count: number, make?: (i: number) => Uint8Array): CommitBatch {
    const fromSize = this.tree.size;
    const entries = Array.from({ length: count }, () => {
      const i = this.counter++;
      const data = make ? make(i) : utf8(`${this.prefix}${i}`);
      return { data, leafHash: leafHash(data) };
    });
    for (const e of entries) this.tree.append(e.leafHash);
    return {
      fromSize,
      toSize: this.tree.size,
      entries,
      tiles: this.tree.takeChangedTiles(),
      checkpoint: signedCheckpoint(this.tree),
    };
  }
}
