/**
 * C2SP tlog-tiles: tile coordinates, widths and paths.
 *
 * A tile at level L, index N holds up to 256 consecutive hashes of level-(8L)
 * Merkle nodes (level 0: leaf hashes). Entry bundles ("tile/entries/N") hold the
 * entries that hash to level-0 tile N. Indices can exceed 2^32, so this file uses
 * arithmetic (Math.floor, *, /) rather than 32-bit bitwise operators.
 */
import { MatterlogError } from './errors.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;

/** A hash tile (level >= 0) or an entry bundle (level 'entries'); width 1..256. */
export interface TileRef {
  level: number | 'entries';
  index: number;
  width: number;
}

function requireIndex(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new MatterlogError('invalid_input', `${what} must be a non-negative safe integer, got ${n}`);
  }
}

/** `1234067` -> `x001/x234/067`. */
export function encodeTileIndex(n: number): string {
  requireIndex(n, 'tile index');
  let s = String(n % 1000).padStart(3, '0');
  let rest = Math.floor(n / 1000);
  while (rest > 0) {
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
    rest = Math.floor(rest / 1000);
  }
  return s;
}

/** The inverse of `encodeTileIndex`; non-canonical forms (e.g. `x000/001`) are rejected. */
export function parseTileIndex(s: string): number {
  const parts = s.split('/');
  let n = 0;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const digits = last ? p : p.slice(1);
    if ((!last && p[0] !== 'x') || !/^[0-9]{3}$/.test(digits)) {
      throw new MatterlogError('invalid_input', `bad tile index element "${p}" in "${s}"`);
    }
    n = n * 1000 + Number(digits);
  });
  if (parts.length > 1 && parts[0] === 'x000') {
    throw new MatterlogError('invalid_input', `non-canonical tile index "${s}" (leading x000)`);
  }
  if (!Number.isSafeInteger(n)) throw new MatterlogError('invalid_input', `tile index "${s}" is too large`);
  return n;
}

export function tilePath(t: TileRef): string {
  if (t.width < 1 || t.width > TILE_WIDTH || !Number.isInteger(t.width)) {
    throw new MatterlogError('invalid_input', `tile width must be 1..256, got ${t.width}`);
  }
  const partial = t.width < TILE_WIDTH ? `.p/${t.width}` : '';
  return `tile/${t.level}/${encodeTileIndex(t.index)}${partial}`;
}

/** Parses `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (no leading slash). */
export function parseTilePath(path: string): TileRef {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) {
    throw new MatterlogError(
      'invalid_input',
      `"${path}" is not a tlog-tiles path: expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]`,
    );
  }
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > MAX_TILE_LEVEL) {
    throw new MatterlogError('invalid_input', `tile level ${level} is above ${MAX_TILE_LEVEL}`);
  }
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH) {
    throw new MatterlogError('invalid_input', `partial tile width must be 1..255, got ${width}`);
  }
  return { level, index: parseTileIndex(m[2] as string), width };
}

/** 256^level as a safe number (levels above 6 exceed any tree matterlog can hold). */
export function tileSpan(level: number): number {
  return TILE_WIDTH ** level;
}

/** How many level-(8·level) hashes a tree of `size` leaves has: floor(size / 256^level). */
export function hashCountAtLevel(size: number, level: number): number {
  return Math.floor(size / tileSpan(level));
}

/**
 * Width of tile (level, index) in a tree of `size` leaves: 256 when full, 1..255
 * when it is the partial edge tile, 0 when it does not exist at that size.
 * Entry bundles have the widths of level-0 tiles.
 */
export function tileWidth(level: number | 'entries', index: number, size: number): number {
  const count = hashCountAtLevel(size, level === 'entries' ? 0 : level);
  return Math.max(0, Math.min(TILE_WIDTH, count - index * TILE_WIDTH));
}

/** Every tile (full and partial) a tree of `size` leaves is served as, level by level. */
export function tilesForSize(size: number, withEntries = true): TileRef[] {
  requireIndex(size, 'tree size');
  const out: TileRef[] = [];
  for (let level = 0; hashCountAtLevel(size, level) > 0; level++) {
    const count = hashCountAtLevel(size, level);
    const tiles = Math.ceil(count / TILE_WIDTH);
    for (let index = 0; index < tiles; index++) {
      const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH);
      out.push({ level, index, width });
      if (level === 0 && withEntries) out.push({ level: 'entries', index, width });
    }
  }
  return out;
}

/** The partial (right-edge) tiles of a tree of `size` leaves, one per level that has one. */
export function edgeTiles(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; hashCountAtLevel(size, level) > 0; level++) {
    const count = hashCountAtLevel(size, level);
    if (count % TILE_WIDTH !== 0) {
      out.push({ level, index: Math.floor(count / TILE_WIDTH), width: count % TILE_WIDTH });
    }
  }
  return out;
}
