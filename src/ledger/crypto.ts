/**
 * The one place the ledger gets its primitives from: SHA-256 and Ed25519.
 *
 * The default provider is pure JavaScript (@noble), so this module runs unchanged
 * in the browser. Node.js installs a faster provider backed by node:crypto from
 * the composition root (`src/app/node-crypto.ts`); the bytes are identical, only
 * the speed differs (and the test suite checks both agree).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export interface CryptoProvider {
  /** SHA-256 of the concatenation of `parts`. */
  sha256(...parts: Uint8Array[]): Uint8Array;
  /** RFC 8032 Ed25519 signature of `message` with the 32-byte private key seed. */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** RFC 8032 verification; false (never a throw) for any malformed input. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** The 32-byte public key of a 32-byte private key seed. */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
}

export const nobleProvider: CryptoProvider = {
  sha256(...parts) {
    if (parts.length === 1) return nobleSha256(parts[0] as Uint8Array);
    const h = nobleSha256.create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      // RFC 8032 (cofactorless, canonical encodings) rather than ZIP-215, to agree with
      // node:crypto and Go's crypto/ed25519 on every signature.
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
};

let provider: CryptoProvider = nobleProvider;

export function setCryptoProvider(p: CryptoProvider): void {
  provider = p;
}

export function cryptoProvider(): CryptoProvider {
  return provider;
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  return provider.sha256(...parts);
}
