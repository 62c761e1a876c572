import { describe, expect, it } from 'vitest';
import {
  edgeTiles,
  encodeTileIndex,
  parseTileIndex,
  parseTilePath,
  tilePath,
  tilesForSize,
  tileWidth,
} from './tiles.js';

describe('tile index encoding', () => {
  it('encodes as the spec examples', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(999)).toBe('999');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(1_000_000_000_000)).toBe('x001/x000/x000/x000/000');
  });

  it('round-trips and rejects non-canonical forms', () => {
    for (const n of [0, 1, 999, 1000, 1001, 999_999, 1_000_000, 2 ** 40 + 7]) {
      expect(parseTileIndex(encodeTileIndex(n))).toBe(n);
    }
    for (const bad of ['1', '0001', 'x000/001', 'x1/000', '001/000', 'x001', 'x001/x002', '00a', '']) {
      expect(() => parseTileIndex(bad), bad).toThrow();
    }
  });
});

describe('tile paths', () => {
  it('formats full and partial tiles and entry bundles', () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 2, index: 0, width: 1 })).toBe('tile/2/000.p/1');
    expect(tilePath({ level: 'entries', index: 273, width: 112 })).toBe('tile/entries/273.p/112');
  });

  it('parses exactly what it formats and nothing else', () => {
    for (const p of ['tile/0/000', 'tile/63/x001/999.p/255', 'tile/entries/x123/456.p/1', 'tile/1/001.p/17']) {
      expect(tilePath(parseTilePath(p))).toBe(p);
    }
    for (const bad of [
      'tile/0/000.p/256',
      'tile/0/000.p/0',
      'tile/0/000.p/01',
      'tile/64/000',
      'tile/01/000',
      'tile/0/0000',
      'tile/data/000',
      'tile/0/000/',
      '/tile/0/000',
      'tile/0/x000/001',
      'tile/-1/000',
    ]) {
      expect(() => parseTilePath(bad), bad).toThrow();
    }
  });
});

describe('tiles of a tree size', () => {
  it('matches the spec example for a tree of 70,000 entries', () => {
    const tiles = tilesForSize(70000, false);
    const full0 = tiles.filter((t) => t.level === 0 && t.width === 256);
    expect(full0).toHaveLength(273);
    expect(tiles.filter((t) => t.width < 256).map(tilePath)).toEqual([
      'tile/0/273.p/112',
      'tile/1/001.p/17',
      'tile/2/000.p/1',
    ]);
    expect(tiles.filter((t) => t.level === 1 && t.width === 256)).toHaveLength(1);
    expect(edgeTiles(70000).map(tilePath)).toEqual(['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1']);
  });

  it('a tree of 256 is a full level-0 tile and a level-1 tile of width 1', () => {
    expect(tilesForSize(256, false).map(tilePath)).toEqual(['tile/0/000', 'tile/1/000.p/1']);
    expect(tilesForSize(0)).toEqual([]);
    expect(tileWidth(0, 1, 256)).toBe(0);
    expect(tileWidth('entries', 0, 300)).toBe(256);
    expect(tileWidth('entries', 1, 300)).toBe(44);
  });
});
