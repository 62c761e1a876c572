/**
 * Every vector in ../shared/conformance/tlog/vectors.json, against the ledger code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, fromUtf8, toHex, utf8 } from '../../src/ledger/bytes.js';
import { emptyRoot, leafHash, nodeHash } from '../../src/ledger/hash.js';
import { openNote, parseVerifierKey, verifierFromVkey } from '../../src/ledger/note.js';
import { verifyConsistency, verifyInclusion } from '../../src/ledger/proof.js';
import { consistencyProofFromTiles, inclusionProofFromTiles } from '../../src/ledger/tile-proofs.js';
import { encodeTileIndex, tilesForSize } from '../../src/ledger/tiles.js';
import { TreeBuilder } from '../../src/ledger/tree.js';
import { conformanceDir } from '../helpers/env.js';

interface InclusionVector {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  root: string;
  proof: string[];
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[];
}
interface Vectors {
  hasherVectors: { desc: string; input?: string; left?: string; right?: string; want: string }[];
  leaves: string[];
  leafHashes: string[];
  rootsBySize: Record<string, string>;
  nodeHashesByLevel: Record<string, string[]>;
  publishedInclusionProofs: InclusionVector[];
  publishedConsistencyProofs: ConsistencyVector[];
  allInclusionProofs: InclusionVector[];
  allConsistencyProofs: ConsistencyVector[];
  signedNoteExample: {
    vkey: string;
    keyName: string;
    keyIdHex: string;
    publicKeyHex: string;
    noteText: string;
    signatureLine: string;
  };
  tilePathExamples: Record<string, string | unknown>;
  tileLayoutVector: {
    treeSize: number;
    root: string;
    size1234Root: string;
    inclusionProofLengths: Record<string, number>;
    consistencyProofLength_1234_to_70000: number;
  };
}

const dir = conformanceDir();
const vectors: Vectors | null = dir ? JSON.parse(readFileSync(path.join(dir, 'tlog/vectors.json'), 'utf8')) : null;
const h = (s: string) => fromHex(s);

describe.skipIf(!vectors)('tlog conformance vectors', () => {
  const v = vectors as Vectors;

  it('hasher vectors', () => {
    for (const hv of v.hasherVectors) {
      let got: Uint8Array;
      if (hv.left !== undefined && hv.right !== undefined) got = nodeHash(h(hv.left), h(hv.right));
      else if (hv.input !== undefined) got = leafHash(h(hv.input));
      else if (hv.desc.startsWith('empty tree')) got = emptyRoot();
      else got = leafHash(new Uint8Array(0));
      expect(toHex(got), hv.desc).toBe(hv.want);
    }
  });

  const builder = new TreeBuilder();
  const tiles = new Map<string, Uint8Array>();
  it('leaf hashes, roots by size and node hashes by level', () => {
    expect(toHex(builder.root())).toBe(v.rootsBySize['0']);
    v.leaves.forEach((leaf, i) => {
      const lh = leafHash(h(leaf));
      expect(toHex(lh)).toBe(v.leafHashes[i]);
      builder.append(lh);
      expect(toHex(builder.root()), `size ${i + 1}`).toBe(v.rootsBySize[String(i + 1)]);
    });
    for (const w of builder.takeChangedTiles()) tiles.set(`${w.level}/${w.index}`, w.hashes);
    for (const [level, hashes] of Object.entries(v.nodeHashesByLevel)) {
      hashes.forEach((want, i) => {
        const size = 2 ** Number(level);
        const leaves = v.leafHashes.slice(i * size, (i + 1) * size).map(h);
        const b = new TreeBuilder();
        for (const l of leaves) b.append(l);
        expect(toHex(b.root()), `node ${level}/${i}`).toBe(want);
      });
    }
  });

  const fetchTile = async (level: number, index: number, width: number) =>
    (tiles.get(`${level}/${index}`) as Uint8Array).slice(0, width * 32);

  it('every inclusion proof (published and all up to size 8): generated equal, verified, tampering rejected', async () => {
    for (const p of [...v.publishedInclusionProofs, ...v.allInclusionProofs]) {
      const label = `${p.leafIndex}@${p.treeSize}`;
      const mine = await inclusionProofFromTiles(p.leafIndex, p.treeSize, fetchTile);
      expect(mine.map(toHex), label).toEqual(p.proof);
      verifyInclusion(h(p.leafHash), p.leafIndex, p.treeSize, p.proof.map(h), h(p.root));
      expect(() =>
        verifyInclusion(h(p.leafHash), p.leafIndex, p.treeSize, p.proof.map(h), h(v.rootsBySize['0'] as string)),
      ).toThrow();
    }
  });

  it('every consistency proof (published and all up to size 8): generated equal, verified, tampering rejected', async () => {
    for (const p of [...v.publishedConsistencyProofs, ...v.allConsistencyProofs]) {
      const label = `${p.size1}->${p.size2}`;
      const mine = await consistencyProofFromTiles(p.size1, p.size2, fetchTile);
      expect(mine.map(toHex), label).toEqual(p.proof);
      verifyConsistency(p.size1, p.size2, p.proof.map(h), h(p.root1), h(p.root2));
      if (p.size1 !== p.size2) {
        expect(() => verifyConsistency(p.size1, p.size2, p.proof.map(h), h(p.root2), h(p.root2)), label).toThrow();
      }
    }
  });

  it('the C2SP signed-note example verifies with its vkey, and fails when altered', () => {
    const ex = v.signedNoteExample;
    const k = parseVerifierKey(ex.vkey);
    expect(k.name).toBe(ex.keyName);
    expect(toHex(k.keyId)).toBe(ex.keyIdHex);
    expect(toHex(k.publicKey)).toBe(ex.publicKeyHex);
    const note = `${ex.noteText}\n${ex.signatureLine}\n`;
    expect(openNote(note, [verifierFromVkey(ex.vkey)]).text).toBe(ex.noteText);
    expect(openNote(utf8(note), [verifierFromVkey(ex.vkey)]).verified).toHaveLength(1);
    expect(() => openNote(note.replace('example message', 'exemplary message'), [verifierFromVkey(ex.vkey)])).toThrow(
      /does not verify/,
    );
    expect(fromUtf8(utf8(note))).toBe(note);
  });

  it('tile path examples', () => {
    for (const [n, want] of Object.entries(v.tilePathExamples)) {
      if (typeof want === 'string') expect(encodeTileIndex(Number(n))).toBe(want);
    }
    const s = v.tilePathExamples['size70000'] as {
      fullLevel0: number;
      partialWidths: Record<string, number>;
      fullLevel1: number;
    };
    const t = tilesForSize(70000, false);
    expect(t.filter((x) => x.level === 0 && x.width === 256)).toHaveLength(s.fullLevel0);
    expect(t.filter((x) => x.level === 1 && x.width === 256)).toHaveLength(s.fullLevel1);
    for (const [lk, w] of Object.entries(s.partialWidths)) {
      expect(t.find((x) => x.level === Number(lk.slice(1)) && x.width < 256)?.width).toBe(w);
    }
  });

  it('the 70,000-entry tile layout vector: roots, proof lengths', async () => {
    const lv = v.tileLayoutVector;
    const b = new TreeBuilder();
    const big = new Map<string, Uint8Array>();
    for (let i = 0; i < lv.treeSize; i++) {
      b.append(leafHash(utf8(`recycling-event-${i}`)));
      if (b.size === 1234) expect(toHex(b.root())).toBe(lv.size1234Root);
    }
    expect(toHex(b.root())).toBe(lv.root);
    for (const w of b.takeChangedTiles()) big.set(`${w.level}/${w.index}`, w.hashes);
    const fetchBig = async (level: number, index: number, width: number) =>
      (big.get(`${level}/${index}`) as Uint8Array).slice(0, width * 32);
    for (const [idx, len] of Object.entries(lv.inclusionProofLengths)) {
      const p = await inclusionProofFromTiles(Number(idx), lv.treeSize, fetchBig);
      expect(p, idx).toHaveLength(len);
      verifyInclusion(leafHash(utf8(`recycling-event-${idx}`)), Number(idx), lv.treeSize, p, h(lv.root));
    }
    const c = await consistencyProofFromTiles(1234, lv.treeSize, fetchBig);
    expect(c).toHaveLength(lv.consistencyProofLength_1234_to_70000);
    verifyConsistency(1234, lv.treeSize, c, h(lv.size1234Root), h(lv.root));
  });
});
