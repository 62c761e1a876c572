import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from '../ledger/bytes.js';
import { cryptoProvider } from '../ledger/crypto.js';
import { useNodeCrypto } from './node-crypto.js';
import { VerifyPool } from './verify-pool.js';

useNodeCrypto();
const pool = new VerifyPool(2);
afterAll(() => pool.close());

const seed = new Uint8Array(32).fill(9);
const publicKey = cryptoProvider().ed25519PublicKey(seed);
const job = (text: string, signWith = text) => ({
  publicKey,
  message: utf8(text),
  signature: cryptoProvider().ed25519Sign(seed, utf8(signWith)),
});

describe('VerifyPool', () => {
  it('answers, in order, which signatures verify, small and large batches alike', async () => {
    expect(await pool.verify([job('a'), job('b', 'not b'), job('c')])).toEqual([true, false, true]);
    const many = Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? job(`m${i}`, 'other') : job(`m${i}`)));
    const out = await pool.verify(many);
    expect(out).toEqual(many.map((_, i) => i % 7 !== 0));
  });

  it('says "not verified" for malformed keys and signatures instead of failing', async () => {
    const bad = [
      { publicKey: new Uint8Array(31), message: utf8('x'), signature: new Uint8Array(64) },
      { publicKey, message: utf8('x'), signature: new Uint8Array(63) },
    ];
    expect(await pool.verify(bad)).toEqual([false, false]);
    expect(await pool.verify([])).toEqual([]);
  });
});
