/**
 * Appending to an RFC 6962 tree tile by tile, without ever rebuilding it.
 *
 * The builder keeps only the right edge of the tree: for every tile level the
 * hashes of the partial edge tile, plus a compact range (a stack of perfect
 * subtree roots) over them. Appending a leaf pushes one hash onto the level-0
 * stack and merges equal heights: one node hash per leaf amortised, and a full
 * tile's root falls out of its stack for free when the 256th hash arrives. The
 * root of the whole tree is a right fold over the stacks, at most ~log2(n)
 * hashes. This is the only tree code the sequencer and the verifier use.
 */
import { bytesEqual } from './bytes.js';
import { MatterlogError } from './errors.js';
import { emptyRoot, HASH_SIZE, nodeHash, requireHash } from './hash.js';
import { edgeTiles, hashCountAtLevel, TILE_WIDTH } from './tiles.js';

interface StackNode {
  height: number;
  hash: Uint8Array;
}

/** Pushes a leaf-level hash onto a compact range, merging equal heights: one node hash amortised. */
function pushCompact(stack: StackNode[], hash: Uint8Array): void {
  let node: StackNode = { height: 0, hash };
  for (let top = stack.at(-1); top && top.height === node.height; top = stack.at(-1)) {
    stack.pop();
    node = { height: node.height + 1, hash: nodeHash(top.hash, node.hash) };
  }
  stack.push(node);
}

class EdgeTile {
  readonly buf = new Uint8Array(TILE_WIDTH * HASH_SIZE);
  count = 0;
  stack: StackNode[] = [];
  dirty = false;

  push(h: Uint8Array): void {
    this.buf.set(h, this.count * HASH_SIZE);
    this.count++;
    this.dirty = true;
    pushCompact(this.stack, h);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.count * HASH_SIZE);
  }

  reset(): void {
    this.count = 0;
    this.stack = [];
    this.dirty = false;
  }
}

/** A tile whose contents changed: full (width 256) or the new partial edge. */
export interface TileWrite {
  level: number;
  index: number;
  /** width × 32 bytes. */
  hashes: Uint8Array;
}

export class TreeBuilder {
  private readonly levels: EdgeTile[] = [];
  private completed: TileWrite[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /**
   * Restores the right edge of a tree of `size` leaves from its edge tiles.
   * `readEdgeTile(level, index)` returns the stored tile; it may be wider than the
   * edge width at `size` (only the first `width` hashes are used).
   */
  static async fromEdgeTiles(
    size: number,
    readEdgeTile: (level: number, index: number) => Promise<Uint8Array | null>,
  ): Promise<TreeBuilder> {
    const b = new TreeBuilder();
    b.n = size;
    for (let level = 0; hashCountAtLevel(size, level) > 0; level++) b.level(level);
    for (const t of edgeTiles(size)) {
      const level = t.level as number;
      const tile = await readEdgeTile(level, t.index);
      if (!tile || tile.length < t.width * HASH_SIZE) {
        throw new MatterlogError(
          'corrupt',
          `tile ${level}/${t.index} holds ${tile ? tile.length / HASH_SIZE : 0} hashes; the tree of size ${size} needs ${t.width}`,
        );
      }
      const edge = b.level(level);
      for (let i = 0; i < t.width; i++) edge.push(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
      edge.dirty = false;
    }
    return b;
  }

  private level(l: number): EdgeTile {
    while (this.levels.length <= l) this.levels.push(new EdgeTile());
    return this.levels[l] as EdgeTile;
  }

  /** Appends one leaf hash; returns its index. */
  append(leafHash: Uint8Array): number {
    requireHash(leafHash, 'leaf hash');
    const index = this.n;
    let h = leafHash;
    for (let l = 0; ; l++) {
      const edge = this.level(l);
      edge.push(h);
      if (edge.count < TILE_WIDTH) break;
      // The tile is full: it is written once and for all, and its root moves up a level.
      const tileIndex = Math.floor(hashCountAtLevel(this.n, l) / TILE_WIDTH);
      this.completed.push({ level: l, index: tileIndex, hashes: edge.bytes() });
      h = (edge.stack[0] as StackNode).hash;
      edge.reset();
    }
    this.n++;
    return index;
  }

  /**
   * The tiles changed since the last call: every tile that became full, then the
   * current partial edge tile of every level that changed. Writing exactly these
   * (plus the entries) moves the stored tree from the old size to `size`.
   */
  takeChangedTiles(): TileWrite[] {
    const out = this.completed;
    this.completed = [];
    this.levels.forEach((edge, level) => {
      if (edge.dirty && edge.count > 0) {
        const index = Math.floor(hashCountAtLevel(this.n, level) / TILE_WIDTH);
        out.push({ level, index, hashes: edge.bytes() });
      }
      edge.dirty = false;
    });
    return out;
  }

  /** The current edge (partial) tile of `level`: its hashes, width × 32 bytes (empty if none). */
  edgeTile(level: number): Uint8Array {
    return this.levels[level]?.bytes() ?? new Uint8Array(0);
  }

  /** The RFC 6962 root of the tree of `size` leaves. */
  root(): Uint8Array {
    if (this.n === 0) return emptyRoot();
    let acc: Uint8Array | undefined;
    // Level 0 holds the rightmost (smallest) subtrees; fold right to left.
    for (const edge of this.levels) {
      for (let i = edge.stack.length - 1; i >= 0; i--) {
        const h = (edge.stack[i] as StackNode).hash;
        acc = acc === undefined ? h : nodeHash(h, acc);
      }
    }
    return acc as Uint8Array;
  }

  /** Root of the tree, checked against `expected`; a mismatch means stored tiles are damaged. */
  checkRoot(expected: Uint8Array, what: string): void {
    if (!bytesEqual(this.root(), expected)) {
      throw new MatterlogError('corrupt', `${what}: the root derived from the tiles does not match`, {
        details: { size: this.n },
      });
    }
  }
}

/**
 * RFC 6962 MTH of `count` consecutive 32-byte hashes packed in `hashes` starting
 * at hash `start` (a perfect subtree when count is a power of two).
 */
export function hashRange(hashes: Uint8Array, start: number, count: number): Uint8Array {
  if (count === 0) return emptyRoot();
  const stack: StackNode[] = [];
  for (let i = start; i < start + count; i++) pushCompact(stack, hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  let acc = (stack.pop() as StackNode).hash;
  while (stack.length > 0) acc = nodeHash((stack.pop() as StackNode).hash, acc);
  return acc;
}
