/**
 * Everything a log serves to readers, straight from the store: the checkpoint,
 * hash tiles and entry bundles exactly as tlog-tiles defines them, and
 * inclusion / consistency proofs for clients that do not read tiles.
 *
 * Readers need no lease, so any number of API processes can serve one store.
 * Full tiles and bundles never change, so they are cached; partial ones are read
 * fresh (they are cheap, and a cached one would hide growth).
 */
import { fromUtf8, toHex } from '../ledger/bytes.js';
import { type Checkpoint, parseCheckpoint } from '../ledger/checkpoint.js';
import { encodeEntryBundle, entryBundlePrefix } from '../ledger/entry-bundle.js';
import { MatterlogError } from '../ledger/errors.js';
import { HASH_SIZE, requireHash } from '../ledger/hash.js';
import { parseNote } from '../ledger/note.js';
import { consistencyProofFromTiles, inclusionProofFromTiles, leafHashFromTiles } from '../ledger/tile-proofs.js';
import { TILE_WIDTH } from '../ledger/tiles.js';
import type { LogStore } from '../store/contract.js';
import { LruCache } from './lru.js';

export interface SignedCheckpoint extends Checkpoint {
  /** The signed note, as served at /checkpoint. */
  note: string;
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  /** The signed checkpoint at treeSize, or null when the log signed none at that size. */
  checkpoint: string | null;
}

export interface ConsistencyProof {
  size1: number;
  size2: number;
  proof: Uint8Array[];
}

export class LogReader {
  private readonly tileCache: LruCache<Uint8Array>;
  private readonly bundleCache: LruCache<Uint8Array>;
  /** Subtree hashes proofs used: immutable, 32 bytes each, so proofs mostly skip re-hashing tiles. */
  private readonly nodeCache = new LruCache<Uint8Array>(32 * 1024 * 1024, () => 96);

  constructor(
    readonly store: LogStore,
    options: { cacheBytes?: number } = {},
  ) {
    const bytes = options.cacheBytes ?? 64 * 1024 * 1024;
    this.tileCache = new LruCache(bytes / 2, (v) => v.length);
    this.bundleCache = new LruCache(bytes / 2, (v) => v.length);
  }

  async checkpoint(): Promise<SignedCheckpoint> {
    const latest = await this.store.latestCheckpoint();
    if (!latest) throw new MatterlogError('not_found', 'this log has no checkpoint yet');
    const note = fromUtf8(latest.note);
    return { ...parseCheckpoint(parseNote(note).text), note };
  }

  /** Hash tile (level, index) with exactly `width` hashes; not_found beyond the log. */
  async tile(level: number, index: number, width: number): Promise<Uint8Array> {
    const key = `${level}/${index}`;
    let tile = width === TILE_WIDTH ? this.tileCache.get(key) : undefined;
    if (!tile) {
      tile = (await this.store.readTile(level, index)) ?? undefined;
      if (tile && tile.length === TILE_WIDTH * HASH_SIZE) this.tileCache.set(key, tile);
    }
    if (!tile || tile.length < width * HASH_SIZE) {
      throw new MatterlogError('not_found', `tile ${level}/${index} with ${width} hashes does not exist (yet)`);
    }
    return tile.length === width * HASH_SIZE ? tile : tile.subarray(0, width * HASH_SIZE);
  }

  /** Entry bundle `index` holding exactly `width` entries; not_found beyond the log. */
  async entryBundle(index: number, width: number): Promise<Uint8Array> {
    const full = this.bundleCache.get(String(index));
    if (full) return width === TILE_WIDTH ? full : entryBundlePrefix(full, width);
    const start = index * TILE_WIDTH;
    let entries: Uint8Array[];
    try {
      entries = await this.store.readEntries(start, start + width);
    } catch (e) {
      if (e instanceof MatterlogError && e.code === 'not_found') {
        throw new MatterlogError('not_found', `entry bundle ${index} with ${width} entries does not exist (yet)`);
      }
      throw e;
    }
    const bundle = encodeEntryBundle(entries);
    if (width === TILE_WIDTH) this.bundleCache.set(String(index), bundle);
    return bundle;
  }

  private readonly fetchTile = (level: number, index: number, width: number) => this.tile(level, index, width);

  /**
   * Resolves a requested tree size against the latest checkpoint (default: the
   * latest), with the signed checkpoint at that size when the log signed one.
   */
  private async treeSize(requested: number | undefined): Promise<{ size: number; checkpoint: string | null }> {
    const latest = await this.checkpoint();
    if (requested === undefined || requested === latest.size) return { size: latest.size, checkpoint: latest.note };
    if (requested > latest.size) {
      throw new MatterlogError(
        'not_found',
        `tree size ${requested} is beyond the latest checkpoint (size ${latest.size})`,
        {
          details: { latestSize: latest.size },
        },
      );
    }
    const older = await this.store.checkpointAt(requested);
    return { size: requested, checkpoint: older ? fromUtf8(older.note) : null };
  }

  async inclusionProof(index: number, size?: number): Promise<InclusionProof> {
    const { size: treeSize, checkpoint } = await this.treeSize(size);
    if (index >= treeSize) {
      throw new MatterlogError('not_found', `leaf index ${index} is not in the tree of size ${treeSize}`);
    }
    const [proof, leafHash] = await Promise.all([
      inclusionProofFromTiles(index, treeSize, this.fetchTile, this.nodeCache),
      leafHashFromTiles(index, treeSize, this.fetchTile, this.nodeCache),
    ]);
    return { index, treeSize, leafHash, proof, checkpoint };
  }

  async inclusionProofByLeafHash(leafHash: Uint8Array, size?: number): Promise<InclusionProof> {
    requireHash(leafHash, 'leaf hash');
    const found = await this.store.findLeafHashes([leafHash]);
    const index = found.get(toHex(leafHash));
    if (index === undefined)
      throw new MatterlogError('not_found', `no entry with leaf hash ${toHex(leafHash)} in this log`);
    return this.inclusionProof(index, size);
  }

  async consistencyProof(size1: number, size2?: number): Promise<ConsistencyProof> {
    const to = (await this.treeSize(size2)).size;
    if (size1 > to) {
      throw new MatterlogError(
        'invalid_input',
        `cannot prove consistency from size ${size1} to the smaller size ${to}`,
      );
    }
    return { size1, size2: to, proof: await consistencyProofFromTiles(size1, to, this.fetchTile, this.nodeCache) };
  }
}
