/**
 * Proofs and roots computed from tlog-tiles hash tiles, the way a client that
 * only reads tiles (or the server from its stored tiles) gets them.
 *
 * A perfect subtree at Merkle level ℓ lives in the tile at tile level ⌊ℓ/8⌋: it is
 * the MTH of 2^(ℓ mod 8) consecutive hashes of that tile. A proof for a tree of a
 * million entries reads three tiles and hashes at most a few hundred nodes.
 */
import { MatterlogError } from './errors.js';
import { emptyRoot, HASH_SIZE } from './hash.js';
import {
  type NodeId,
  type PlannedHash,
  planConsistency,
  planInclusion,
  planNodes,
  rangeNodes,
  resolvePlan,
} from './proof.js';
import { TILE_HEIGHT, TILE_WIDTH, tileWidth } from './tiles.js';
import { hashRange } from './tree.js';

/**
 * Returns the hash tile (level, index) holding at least `width` hashes (for a
 * partial tile, exactly the one a checkpoint of the tree size requires).
 */
export type TileFetcher = (level: number, index: number, width: number) => Promise<Uint8Array>;

const key = (id: NodeId) => `${id.level}/${id.index}`;

/**
 * A cache of subtree hashes, keyed "level/index". A perfect subtree's hash never
 * changes once the subtree exists (the tree only grows), so a server can keep
 * the nodes its proofs use and skip re-hashing them from tiles.
 */
export interface NodeHashCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, hash: Uint8Array): void;
}

/** Reads the hashes of perfect subtrees `ids` of the tree of `size` leaves. */
export async function readNodeHashes(
  ids: readonly NodeId[],
  size: number,
  fetchTile: TileFetcher,
  cache?: NodeHashCache,
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const tiles = new Map<string, Promise<Uint8Array>>();
  const missing = ids.filter((id) => {
    const hit = cache?.get(key(id));
    if (hit) out.set(key(id), hit);
    return !hit;
  });
  const located = missing.map((id) => {
    const tileLevel = Math.floor(id.level / TILE_HEIGHT);
    const span = 2 ** (id.level % TILE_HEIGHT);
    const first = id.index * span;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const width = tileWidth(tileLevel, tileIndex, size);
    const offset = first % TILE_WIDTH;
    if (offset + span > width) {
      throw new MatterlogError('invalid_input', `node ${key(id)} is not a complete subtree of a tree of size ${size}`);
    }
    const tk = `${tileLevel}/${tileIndex}`;
    if (!tiles.has(tk)) tiles.set(tk, fetchTile(tileLevel, tileIndex, width));
    return { id, tk, offset, span, width };
  });
  for (const l of located) {
    const tile = await (tiles.get(l.tk) as Promise<Uint8Array>);
    if (tile.length < l.width * HASH_SIZE) {
      throw new MatterlogError('corrupt', `tile ${l.tk} has ${tile.length / HASH_SIZE} hashes, expected ${l.width}`);
    }
    const h = hashRange(tile, l.offset, l.span);
    out.set(key(l.id), h);
    cache?.set(key(l.id), h);
  }
  return out;
}

async function resolveFromTiles(
  plan: PlannedHash[],
  size: number,
  fetchTile: TileFetcher,
  cache?: NodeHashCache,
): Promise<Uint8Array[]> {
  const hashes = await readNodeHashes(planNodes(plan), size, fetchTile, cache);
  return resolvePlan(plan, (id) => hashes.get(key(id)) as Uint8Array);
}

export function inclusionProofFromTiles(
  index: number,
  size: number,
  fetchTile: TileFetcher,
  cache?: NodeHashCache,
): Promise<Uint8Array[]> {
  return resolveFromTiles(planInclusion(index, size), size, fetchTile, cache);
}

export function consistencyProofFromTiles(
  size1: number,
  size2: number,
  fetchTile: TileFetcher,
  cache?: NodeHashCache,
): Promise<Uint8Array[]> {
  return resolveFromTiles(planConsistency(size1, size2), size2, fetchTile, cache);
}

/** The root hash of the tree of `size` leaves, from its tiles. */
export async function rootFromTiles(size: number, fetchTile: TileFetcher): Promise<Uint8Array> {
  if (size === 0) return emptyRoot();
  const [root] = await resolveFromTiles([rangeNodes(0, size)], size, fetchTile);
  return root as Uint8Array;
}

/** The hash of leaf `index` (read from its level-0 tile) in a tree of `size` leaves. */
export async function leafHashFromTiles(
  index: number,
  size: number,
  fetchTile: TileFetcher,
  cache?: NodeHashCache,
): Promise<Uint8Array> {
  const h = await readNodeHashes([{ level: 0, index }], size, fetchTile, cache);
  return h.get(`0/${index}`) as Uint8Array;
}
