import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entriesFor, refConsistency, refPath, refRoot } from '../../test/helpers/reference-tree.js';
import { toHex } from './bytes.js';
import { leafHash, nodeHash } from './hash.js';
import { planConsistency, planInclusion, resolvePlan, verifyConsistency, verifyInclusion } from './proof.js';
import { consistencyProofFromTiles, inclusionProofFromTiles, type TileFetcher } from './tile-proofs.js';
import { TreeBuilder } from './tree.js';

const N = 5000;
const leaves = entriesFor(N).map(leafHash);

// One tree of N leaves, its tiles as a sequencer would store them, and roots at every size.
const tiles = new Map<string, Uint8Array>();
const roots: Uint8Array[] = [];
{
  const b = new TreeBuilder();
  roots.push(b.root());
  for (const h of leaves) {
    b.append(h);
    roots.push(b.root());
    if (b.size % 97 === 0) for (const w of b.takeChangedTiles()) tiles.set(`${w.level}/${w.index}`, w.hashes);
  }
  for (const w of b.takeChangedTiles()) tiles.set(`${w.level}/${w.index}`, w.hashes);
}
const fetchTile: TileFetcher = async (level, index, width) => {
  const t = tiles.get(`${level}/${index}`);
  if (!t) throw new Error(`no tile ${level}/${index}`);
  return t.slice(0, width * 32);
};

const root = (n: number) => roots[n] as Uint8Array;
const flipByte = (proof: Uint8Array[], at: number, bit: number) =>
  proof.map((p, i) => {
    if (i !== at % proof.length) return p;
    const q = p.slice();
    q[bit % 32] = (q[bit % 32] as number) ^ (1 << (bit % 8));
    return q;
  });

const sizeAndIndex = fc.integer({ min: 1, max: N }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1)));
const twoSizes = fc
  .integer({ min: 1, max: N })
  .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));

describe('inclusion proofs', () => {
  it('are the RFC 6962 PATH, from tiles, for small trees exhaustively', async () => {
    for (let n = 1; n <= 70; n++) {
      for (let m = 0; m < n; m++) {
        const p = await inclusionProofFromTiles(m, n, fetchTile);
        expect(p.map(toHex), `${m}@${n}`).toEqual(refPath(m, leaves.slice(0, n)).map(toHex));
        verifyInclusion(leaves[m] as Uint8Array, m, n, p, root(n));
      }
    }
  });

  it('honest proofs verify at random sizes into the thousands', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, async ([size, index]) => {
        const p = await inclusionProofFromTiles(index, size, fetchTile);
        expect(p.length).toBe(planInclusion(index, size).length);
        verifyInclusion(leaves[index] as Uint8Array, index, size, p, root(size));
      }),
      { numRuns: 300 },
    );
  });

  it('fail with one changed byte, index or size', async () => {
    await fc.assert(
      fc.asyncProperty(
        sizeAndIndex,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 300 }),
        async ([size, index], at, bit, d) => {
          const p = await inclusionProofFromTiles(index, size, fetchTile);
          const leaf = leaves[index] as Uint8Array;
          if (p.length > 0)
            expect(() => verifyInclusion(leaf, index, size, flipByte(p, at, bit), root(size))).toThrow();
          const flippedLeaf = flipByte([leaf], 0, bit)[0] as Uint8Array;
          expect(() => verifyInclusion(flippedLeaf, index, size, p, root(size))).toThrow();
          const otherIndex = (index + d) % size;
          if (otherIndex !== index) expect(() => verifyInclusion(leaf, otherIndex, size, p, root(size))).toThrow();
          const otherSize = Math.min(N, size + d);
          if (otherSize !== size) expect(() => verifyInclusion(leaf, index, otherSize, p, root(otherSize))).toThrow();
          if (size - d > index) expect(() => verifyInclusion(leaf, index, size - d, p, root(size - d))).toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reject hashes that are not 32 bytes, and indices outside the tree', async () => {
    const p = await inclusionProofFromTiles(5, 100, fetchTile);
    const leaf = leaves[5] as Uint8Array;
    expect(() => verifyInclusion(leaf, 5, 100, [...p.slice(0, -1), new Uint8Array(33)], root(100))).toThrow(
      /exactly 32/,
    );
    expect(() => verifyInclusion(leaf.slice(0, 31), 5, 100, p, root(100))).toThrow(/exactly 32/);
    expect(() => verifyInclusion(leaf, 5, 100, p, root(100).slice(1))).toThrow(/exactly 32/);
    expect(() => verifyInclusion(leaf, 100, 100, p, root(100))).toThrow(/not below/);
    expect(() => verifyInclusion(leaf, 5, 100, [...p, p[0] as Uint8Array], root(100))).toThrow();
    expect(() => verifyInclusion(leaf, 5, 100, p.slice(0, -1), root(100))).toThrow();
    expect(() => planInclusion(7, 7)).toThrow();
  });
});

describe('consistency proofs', () => {
  it('are the RFC 6962 PROOF, from tiles, for small trees exhaustively', async () => {
    for (let n = 1; n <= 70; n++) {
      for (let m = 0; m <= n; m++) {
        const p = await consistencyProofFromTiles(m, n, fetchTile);
        expect(p.map(toHex), `${m}->${n}`).toEqual(refConsistency(m, leaves.slice(0, n)).map(toHex));
        expect(p.length).toBe(planConsistency(m, n).length);
        verifyConsistency(m, n, p, root(m), root(n));
      }
    }
  });

  it('honest proofs verify at random sizes into the thousands', async () => {
    await fc.assert(
      fc.asyncProperty(twoSizes, async ([m, n]) => {
        verifyConsistency(m, n, await consistencyProofFromTiles(m, n, fetchTile), root(m), root(n));
      }),
      { numRuns: 300 },
    );
  });

  it('fail with one changed byte or size', async () => {
    await fc.assert(
      fc.asyncProperty(twoSizes, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 300 }), async ([m, n], at, bit, d) => {
        const p = await consistencyProofFromTiles(m, n, fetchTile);
        if (p.length > 0) expect(() => verifyConsistency(m, n, flipByte(p, at, bit), root(m), root(n))).toThrow();
        const [r1] = flipByte([root(m)], 0, bit) as [Uint8Array];
        const [r2] = flipByte([root(n)], 0, bit) as [Uint8Array];
        expect(() => verifyConsistency(m, n, p, r1, root(n))).toThrow();
        expect(() => verifyConsistency(m, n, p, root(m), r2)).toThrow();
        const m2 = m + d;
        if (m2 <= n && m2 !== m && p.length > 0) expect(() => verifyConsistency(m2, n, p, root(m2), root(n))).toThrow();
        const n2 = Math.min(N, n + d);
        if (n2 !== n) expect(() => verifyConsistency(m, n2, p, root(m), root(n2))).toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('reject shrinking trees, fake equal-size proofs and bad hash lengths', async () => {
    expect(() => verifyConsistency(10, 9, [], root(10), root(9))).toThrow(/backwards/);
    expect(() => verifyConsistency(9, 9, [], root(9), root(10))).toThrow(/different roots/);
    expect(() => verifyConsistency(9, 9, [root(1)], root(9), root(9))).toThrow(/empty/);
    expect(() => verifyConsistency(3, 9, [], root(3), root(9))).toThrow(/empty/);
    const p = await consistencyProofFromTiles(300, 4000, fetchTile);
    expect(() => verifyConsistency(300, 4000, [...p, new Uint8Array(31)], root(300), root(4000))).toThrow(/exactly 32/);
  });

  it('match the naive recursion for a large tree too', async () => {
    const p = await consistencyProofFromTiles(1234, 4999, fetchTile);
    expect(p.map(toHex)).toEqual(refConsistency(1234, leaves.slice(0, 4999)).map(toHex));
    expect(toHex(root(4999))).toBe(toHex(refRoot(leaves.slice(0, 4999))));
  });
});

describe('sizes near 2^53', () => {
  it('verify consistency from sizes just above large powers of two (Math.log2 rounds them)', () => {
    // A tree of 2^49 + 1 leaves, all equal to one hash h: subtree roots are computable level by level.
    const h = leaves[0] as Uint8Array;
    const perfect: Uint8Array[] = [h];
    for (let l = 1; l <= 51; l++) perfect.push(nodeHash(perfect[l - 1] as Uint8Array, perfect[l - 1] as Uint8Array));
    for (const k of [40, 49, 50]) {
      const size1 = 2 ** k + 1;
      const size2 = 2 ** (k + 1);
      const root1 = nodeHash(perfect[k] as Uint8Array, h);
      const root2 = perfect[k + 1] as Uint8Array;
      // PROOF(2^k + 1, D[2^(k+1)]) = h (leaf 2^k's sibling), then its parents' siblings up to 2^k, then MTH(D[0:2^k]).
      const proof = resolvePlan(planConsistency(size1, size2), (id) => perfect[id.level] as Uint8Array);
      verifyConsistency(size1, size2, proof, root1, root2);
    }
  });
});

describe('node hash cache', () => {
  it('gives the same proofs as reading tiles, across growing tree sizes', async () => {
    const cache = new Map<string, Uint8Array>();
    let tileReads = 0;
    const counting: TileFetcher = (l, i, w) => {
      tileReads++;
      return fetchTile(l, i, w);
    };
    for (const size of [300, 1000, 1001, 4999, 5000]) {
      for (const index of [0, 1, 255, 256, size - 1]) {
        const cached = await inclusionProofFromTiles(index, size, counting, cache);
        expect(cached.map(toHex)).toEqual((await inclusionProofFromTiles(index, size, fetchTile)).map(toHex));
      }
      const c = await consistencyProofFromTiles(77, size, counting, cache);
      expect(c.map(toHex)).toEqual((await consistencyProofFromTiles(77, size, fetchTile)).map(toHex));
    }
    const before = tileReads;
    await inclusionProofFromTiles(255, 5000, counting, cache);
    expect(tileReads).toBe(before);
  });
});
