import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../ledger/bytes.js';
import { nobleProvider } from '../ledger/crypto.js';
import { nodeCryptoProvider } from './node-crypto.js';

describe('node:crypto provider', () => {
  it('gives the same bytes as the pure JavaScript provider', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        expect(toHex(nodeCryptoProvider.sha256(msg, seed))).toBe(toHex(nobleProvider.sha256(msg, seed)));
        const pub = nodeCryptoProvider.ed25519PublicKey(seed);
        expect(toHex(pub)).toBe(toHex(nobleProvider.ed25519PublicKey(seed)));
        const sig = nodeCryptoProvider.ed25519Sign(seed, msg);
        expect(toHex(sig)).toBe(toHex(nobleProvider.ed25519Sign(seed, msg)));
        expect(nodeCryptoProvider.ed25519Verify(pub, msg, sig)).toBe(true);
        expect(nobleProvider.ed25519Verify(pub, msg, sig)).toBe(true);
        const bad = sig.slice();
        bad[0] = (bad[0] as number) ^ 1;
        expect(nodeCryptoProvider.ed25519Verify(pub, msg, bad)).toBe(false);
        expect(nobleProvider.ed25519Verify(pub, msg, bad)).toBe(false);
      }),
      { numRuns: 50 },
    );
    expect(nodeCryptoProvider.ed25519Verify(new Uint8Array(31), new Uint8Array(0), new Uint8Array(64))).toBe(false);
  });
});
