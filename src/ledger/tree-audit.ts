/**
 * Re-deriving a log's tree from what it serves, the way an independent
 * monitor does: entry bundles → leaf hashes → every hash tile → the root, each
 * compared with what the log serves and with the checkpoint it signed.
 *
 * It can start where a previous audit stopped: the edge of the tree at the old
 * size is rebuilt from the served tiles and must hash to the old, already
 * verified root. That single check is what catches a log that rewrote history
 * (a split view); extending from there to the new root proves the new tree
 * contains the old one.
 */
import { bytesEqual, toHex } from './bytes.js';
import { decodeEntryBundle } from './entry-bundle.js';
import { MatterlogError } from './errors.js';
import { HASH_SIZE, leafHash } from './hash.js';
import { edgeTiles, TILE_WIDTH, tilePath, tileWidth } from './tiles.js';
import { type TileWrite, TreeBuilder } from './tree.js';

export interface TileSource {
  /** Hash tile (level, index) with exactly `width` hashes. */
  tile(level: number, index: number, width: number): Promise<Uint8Array>;
  /** Entry bundle `index` with exactly `width` entries. */
  bundle(index: number, width: number): Promise<Uint8Array>;
}

export interface TreeHead {
  size: number;
  root: Uint8Array;
}

export interface AuditOptions {
  /** A tree head verified before (null: start from the empty tree). */
  from: TreeHead | null;
  /** The signed tree head to verify now. */
  to: TreeHead;
  source: TileSource;
  /** Read entry bundles (true) or trust level-0 tiles as the leaves (false). */
  entries: boolean;
  /** Fetches in flight at once. */
  concurrency?: number;
  onProgress?: (leavesDone: number, leavesTotal: number) => void;
}

export interface AuditResult {
  leavesChecked: number;
  tilesChecked: number;
}

function mismatch(what: string, details: Record<string, unknown> = {}): never {
  throw new MatterlogError('corrupt', what, { details });
}

export async function auditTree(o: AuditOptions): Promise<AuditResult> {
  const from = o.from ?? { size: 0, root: new Uint8Array(0) };
  const { to, source } = o;
  if (from.size > to.size) {
    throw new MatterlogError('split_view', `the log shrank from size ${from.size} to ${to.size}`);
  }
  let tree = new TreeBuilder();
  if (from.size > 0) {
    tree = await TreeBuilder.fromEdgeTiles(from.size, (l, i) => source.tile(l, i, tileWidth(l, i, from.size)));
    if (!bytesEqual(tree.root(), from.root)) {
      throw new MatterlogError(
        'split_view',
        `the tiles the log serves now do not hash to the root it signed at size ${from.size}: it rewrote entries you verified before`,
      );
    }
  }
  let tilesChecked = 0;
  // Comparisons run in the background; the first failure is kept and thrown at
  // the next synchronisation point (a rejected promise nobody awaits yet would
  // be an unhandled rejection).
  let failure: unknown = null;
  const pending: Promise<void>[] = [];
  const settle = async () => {
    await Promise.all(pending.splice(0));
    if (failure) throw failure;
  };
  const compare = (w: TileWrite) => {
    const width = w.hashes.length / HASH_SIZE;
    pending.push(
      source.tile(w.level, w.index, width).then(
        (served) => {
          tilesChecked++;
          if (!bytesEqual(served, w.hashes)) {
            failure ??= new MatterlogError(
              'corrupt',
              `${tilePath({ level: w.level, index: w.index, width })} does not match the tree derived from the ${o.entries ? 'entries' : 'level-0 tiles'}`,
            );
          }
        },
        (e: unknown) => {
          failure ??= e;
        },
      ),
    );
  };

  const first = Math.floor(from.size / TILE_WIDTH);
  const last = Math.ceil(to.size / TILE_WIDTH);
  const window = o.concurrency ?? 16;
  const fetchLeaves = (b: number): Promise<Uint8Array[]> => {
    const p = fetchLeavesOf(b);
    p.catch(() => {}); // awaited in order below; this only silences the early-rejection warning
    return p;
  };
  const fetchLeavesOf = (b: number): Promise<Uint8Array[]> => {
    const width = tileWidth(0, b, to.size);
    if (!o.entries) {
      return source
        .tile(0, b, width)
        .then((t) => Array.from({ length: width }, (_, i) => t.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)));
    }
    return source.bundle(b, width).then((bundle) => {
      let entries: Uint8Array[];
      try {
        entries = decodeEntryBundle(bundle);
      } catch (cause) {
        throw new MatterlogError('corrupt', `entry bundle ${b} is malformed: ${(cause as Error).message}`, { cause });
      }
      if (entries.length !== width) mismatch(`entry bundle ${b} holds ${entries.length} entries, expected ${width}`);
      return entries.map(leafHash);
    });
  };
  const queue: Promise<Uint8Array[]>[] = [];
  for (let b = first; b < Math.min(last, first + window); b++) queue.push(fetchLeaves(b));
  for (let b = first; b < last; b++) {
    const leaves = await (queue.shift() as Promise<Uint8Array[]>);
    if (b + window < last) queue.push(fetchLeaves(b + window));
    const skip = b === first ? from.size - b * TILE_WIDTH : 0;
    for (let i = skip; i < leaves.length; i++) tree.append(leaves[i] as Uint8Array);
    for (const w of tree.takeChangedTiles()) {
      const full = w.hashes.length === TILE_WIDTH * HASH_SIZE;
      if (full && (o.entries || w.level > 0)) compare(w);
    }
    if (pending.length >= window) await settle();
    o.onProgress?.(tree.size - from.size, to.size - from.size);
  }
  for (const t of edgeTiles(to.size)) {
    const level = t.level as number;
    if (o.entries || level > 0) compare({ level, index: t.index, hashes: tree.edgeTile(level) });
  }
  await settle();
  if (tree.size !== to.size) mismatch(`derived ${tree.size} leaves, expected ${to.size}`);
  if (!bytesEqual(tree.root(), to.root)) {
    mismatch(
      `the ${o.entries ? 'entries' : 'tiles'} the log serves hash to ${toHex(tree.root())}, not to the root it signed at size ${to.size}`,
    );
  }
  return { leavesChecked: to.size - from.size, tilesChecked };
}
