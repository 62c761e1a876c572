import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { formatCheckpoint } from './checkpoint.js';
import { leafHash } from './hash.js';
import { ed25519NoteKey, signNote } from './note.js';
import { planInclusion, resolvePlan } from './proof.js';
import { formatTlogProof, parseTlogProof, verifyTlogProof } from './tlog-proof.js';
import { TreeBuilder } from './tree.js';

describe('C2SP tlog-proof@v1', () => {
  const key = ed25519NoteKey('example.com/fancylog', new Uint8Array(32).fill(5));
  const leaves = Array.from({ length: 11 }, (_, i) => leafHash(utf8(`e${i}`)));
  const b = new TreeBuilder();
  for (const l of leaves) b.append(l);
  const checkpoint = signNote(formatCheckpoint({ origin: key.signer.name, size: 11, root: b.root() }), [key.signer]);
  // Subtree hashes straight from leaves, to build a proof without tiles.
  const hashOf = (id: { level: number; index: number }) => {
    const t = new TreeBuilder();
    for (const l of leaves.slice(id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level)) t.append(l);
    return t.root();
  };
  const proof = resolvePlan(planInclusion(7, 11), hashOf);

  it('formats as the spec shows, round-trips and verifies', () => {
    const text = formatTlogProof({ index: 7, proof, checkpoint, extra: utf8('ctx') });
    expect(text.startsWith('c2sp.org/tlog-proof@v1\nextra Y3R4\nindex 7\n')).toBe(true);
    expect(text.endsWith(checkpoint)).toBe(true);
    const parsed = parseTlogProof(text);
    expect(parsed.index).toBe(7);
    expect(parsed.proof).toHaveLength(proof.length);
    expect(verifyTlogProof(text, leaves[7] as Uint8Array, key.verifier).checkpoint.size).toBe(11);
  });

  it('fails for another leaf, another index, or a proof without its header', () => {
    const text = formatTlogProof({ index: 7, proof, checkpoint });
    expect(() => verifyTlogProof(text, leaves[6] as Uint8Array, key.verifier)).toThrow(/root/);
    expect(() => verifyTlogProof(text.replace('index 7', 'index 6'), leaves[7] as Uint8Array, key.verifier)).toThrow();
    expect(() => parseTlogProof(text.replace('c2sp.org/tlog-proof@v1', 'x'))).toThrow(/first line/);
    expect(() => parseTlogProof(text.replace('index 7', 'index 07'))).toThrow(/index/);
  });
});
