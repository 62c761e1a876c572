import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entriesFor, refLeaf, refRoot } from '../../test/helpers/reference-tree.js';
import { bytesEqual, concatBytes, toHex } from './bytes.js';
import { emptyRoot, leafHash } from './hash.js';
import { tilePath, tilesForSize } from './tiles.js';
import { hashRange, type TileWrite, TreeBuilder } from './tree.js';

/** Builds a tree by appending, committing tiles into a map every `batch` leaves, as the sequencer does. */
function build(n: number, batch: number) {
  const b = new TreeBuilder();
  const tiles = new Map<string, Uint8Array>();
  const leaves = entriesFor(n).map(leafHash);
  const roots: Uint8Array[] = [emptyRoot()];
  const put = (ws: TileWrite[]) => {
    for (const w of ws) tiles.set(`${w.level}/${w.index}`, w.hashes);
  };
  leaves.forEach((h, i) => {
    b.append(h);
    if ((i + 1) % batch === 0 || i === n - 1) put(b.takeChangedTiles());
    roots.push(b.root());
  });
  return { b, tiles, leaves, roots };
}

describe('TreeBuilder', () => {
  it('computes the RFC 6962 root at every size (checked against the naive recursion)', () => {
    const { leaves, roots } = build(600, 7);
    for (let n = 0; n <= 600; n += n < 40 ? 1 : 37) {
      expect(toHex(roots[n] as Uint8Array), `size ${n}`).toBe(toHex(refRoot(leaves.slice(0, n))));
    }
  });

  it('leaves in storage exactly the tiles tlog-tiles serves for the size, with the right contents', () => {
    const n = 70000;
    const { tiles, leaves } = build(n, 1000);
    const want = tilesForSize(n, false);
    expect(tiles.size).toBe(want.length);
    for (const t of want) {
      const stored = tiles.get(`${t.level}/${t.index}`) as Uint8Array;
      expect(stored.length, tilePath(t)).toBe(t.width * 32);
    }
    // Level-1 hash 5 is the MTH of level-0 tile 5; spot-check against the leaves.
    const level1 = tiles.get('1/0') as Uint8Array;
    expect(bytesEqual(level1.subarray(5 * 32, 6 * 32), refRoot(leaves.slice(5 * 256, 6 * 256)))).toBe(true);
    expect(bytesEqual(hashRange(concatBytes(...leaves.slice(0, 1000)), 0, 1000), refRoot(leaves.slice(0, 1000)))).toBe(
      true,
    );
  });

  it('restores from edge tiles and carries on identically, whatever the batch boundaries', () => {
    fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 700 }), async (n, batch) => {
        const { tiles, b } = build(n, batch);
        const restored = await TreeBuilder.fromEdgeTiles(n, async (l, i) => tiles.get(`${l}/${i}`) ?? null);
        expect(toHex(restored.root())).toBe(toHex(b.root()));
        const extra = refLeaf(new TextEncoder().encode('one more'));
        restored.append(extra);
        b.append(extra);
        expect(toHex(restored.root())).toBe(toHex(b.root()));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses to restore from missing or short tiles', async () => {
    const { tiles } = build(300, 300);
    await expect(TreeBuilder.fromEdgeTiles(300, async () => null)).rejects.toThrow(/needs 44/);
    const short = (tiles.get('0/1') as Uint8Array).slice(0, 32 * 10);
    await expect(
      TreeBuilder.fromEdgeTiles(300, async (l, i) => (l === 0 && i === 1 ? short : (tiles.get(`${l}/${i}`) ?? null))),
    ).rejects.toMatchObject({ code: 'corrupt' });
  });
});
