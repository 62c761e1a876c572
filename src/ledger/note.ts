/**
 * C2SP signed-note: signing and opening notes, Ed25519 keys (type 0x01), key IDs
 * and `name+hash+key` verifier strings.
 *
 * Opening follows the spec's trust rules exactly: signatures from unknown keys
 * (name and key ID not both matching a known key) are ignored; a signature from a
 * known key that fails to verify rejects the whole note; a note with no verified
 * signature from a known key is rejected.
 */
import { bytesEqual, concatBytes, fromBase64, fromHex, fromUtf8, toBase64, toHex, utf8 } from './bytes.js';
import { cryptoProvider, sha256 } from './crypto.js';
import { MatterlogError } from './errors.js';

export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
/** The spec requires accepting at least 16; notes with more are refused to bound work. */
export const MAX_NOTE_SIGNATURES = 100;

export interface NoteSigner {
  readonly name: string;
  /** 4-byte key ID. */
  readonly keyId: Uint8Array;
  sign(text: Uint8Array): Uint8Array;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  /** The signature bytes after the key ID. */
  signature: Uint8Array;
}

export interface OpenedNote {
  text: string;
  /** Signatures that verified against a known key, in note order. */
  verified: NoteSignature[];
  /** Signatures from keys the caller did not supply (kept, e.g. for witnesses to add to). */
  unknown: NoteSignature[];
}

/** Key names are non-empty and contain no Unicode white space and no '+'. */
export function checkKeyName(name: string): void {
  // A lone surrogate is not text: it has no UTF-8 form, so no signature could cover it.
  if (name.length === 0 || /[\s+]/u.test(name) || /[\u0000-\u001f\u007f]/.test(name) || /\p{Cs}/u.test(name)) {
    throw new MatterlogError(
      'invalid_input',
      `key name "${name}" is not allowed: it must be non-empty, without spaces, '+' or control characters`,
    );
  }
}

/** SHA-256(name || 0x0A || type || publicKey)[:4]. */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  return sha256(utf8(name), new Uint8Array([0x0a, type]), publicKey).slice(0, 4);
}

/** Text rules shared by notes and their parts: UTF-8, no control characters but '\n'. */
function checkText(text: string, what: string): void {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) {
    throw new MatterlogError('invalid_input', `${what} contains a control character other than newline`);
  }
}

export interface Ed25519NoteKey {
  signer: NoteSigner;
  verifier: NoteVerifier;
  /** `name+hash+base64(0x01||pub)`. */
  vkey: string;
  /** `PRIVATE+KEY+name+hash+base64(0x01||seed)`, the format of Go's sumdb/note. */
  skey: string;
  publicKey: Uint8Array;
}

/** An Ed25519 signed-note key from a 32-byte seed. */
export function ed25519NoteKey(name: string, seed: Uint8Array): Ed25519NoteKey {
  checkKeyName(name);
  if (seed.length !== 32) throw new MatterlogError('invalid_input', 'an Ed25519 seed is 32 bytes');
  const publicKey = cryptoProvider().ed25519PublicKey(seed);
  const keyId = computeKeyId(name, SIG_TYPE_ED25519, publicKey);
  const typed = (k: Uint8Array) => toBase64(concatBytes(new Uint8Array([SIG_TYPE_ED25519]), k));
  return {
    signer: { name, keyId, sign: (text) => cryptoProvider().ed25519Sign(seed, text) },
    verifier: ed25519Verifier(name, publicKey),
    vkey: `${name}+${toHex(keyId)}+${typed(publicKey)}`,
    skey: `PRIVATE+KEY+${name}+${toHex(keyId)}+${typed(seed)}`,
    publicKey,
  };
}

export function ed25519Verifier(name: string, publicKey: Uint8Array): NoteVerifier {
  const keyId = computeKeyId(name, SIG_TYPE_ED25519, publicKey);
  return {
    name,
    keyId,
    verify: (text, sig) => cryptoProvider().ed25519Verify(publicKey, text, sig),
  };
}

/** Splits off the first `parts - 1` '+'-separated fields; the last field (base64) may contain '+'. */
function splitKey(s: string, parts: number, what: string): string[] {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < parts - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) throw new MatterlogError('invalid_input', `malformed ${what}: "${s.slice(0, 120)}"`);
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

export interface ParsedVerifierKey {
  name: string;
  keyId: Uint8Array;
  type: number;
  publicKey: Uint8Array;
}

/** Parses `name+hash+base64(type||key)` and checks that the key ID matches the key. */
export function parseVerifierKey(vkey: string): ParsedVerifierKey {
  const [name, hash, key] = splitKey(vkey.trim(), 3, 'verifier key (expected name+hash+key)') as [
    string,
    string,
    string,
  ];
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hash))
    throw new MatterlogError('invalid_input', `verifier key hash "${hash}" is not 8 hex digits`);
  const raw = fromBase64(key);
  const type = raw[0];
  const publicKey = raw.slice(1);
  if ((type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) || publicKey.length !== 32) {
    throw new MatterlogError(
      'invalid_input',
      `verifier key "${name}" is not an Ed25519 (0x01) or cosignature (0x04) key`,
    );
  }
  const keyId = fromHex(hash);
  if (!bytesEqual(keyId, computeKeyId(name, type, publicKey))) {
    throw new MatterlogError('invalid_input', `verifier key "${name}": key hash ${hash} does not match the key`);
  }
  return { name, keyId, type, publicKey };
}

/** A note verifier for an Ed25519 (0x01) vkey. Cosigner keys go through `cosignatureVerifier`. */
export function verifierFromVkey(vkey: string): NoteVerifier {
  const k = parseVerifierKey(vkey);
  if (k.type !== SIG_TYPE_ED25519) {
    throw new MatterlogError('invalid_input', `verifier key "${k.name}" is a cosignature key, not a note signing key`);
  }
  return ed25519Verifier(k.name, k.publicKey);
}

/** Parses `PRIVATE+KEY+name+hash+base64(0x01||seed)`. */
export function parseSignerKey(skey: string): Ed25519NoteKey {
  const [p1, p2, name, hash, key] = splitKey(skey.trim(), 5, 'signer key (expected PRIVATE+KEY+name+hash+key)');
  if (p1 !== 'PRIVATE' || p2 !== 'KEY')
    throw new MatterlogError('invalid_input', 'signer key must start with PRIVATE+KEY+');
  const raw = fromBase64(key as string);
  if (raw[0] !== SIG_TYPE_ED25519 || raw.length !== 33) {
    throw new MatterlogError('invalid_input', 'signer key is not an Ed25519 key');
  }
  const k = ed25519NoteKey(name as string, raw.slice(1));
  if (toHex(k.signer.keyId) !== hash) {
    throw new MatterlogError('invalid_input', `signer key "${name}": key hash ${hash} does not match the key`);
  }
  return k;
}

/** The signature line for one signature. */
export function formatSignatureLine(sig: NoteSignature): string {
  return `\u2014 ${sig.name} ${toBase64(concatBytes(sig.keyId, sig.signature))}\n`;
}

/** Signs `text` (which must end in a newline) with every signer. */
export function signNote(text: string, signers: NoteSigner[]): string {
  if (!text.endsWith('\n')) throw new MatterlogError('invalid_input', 'note text must end with a newline');
  checkText(text, 'note text');
  if (signers.length === 0) throw new MatterlogError('invalid_input', 'a note needs at least one signer');
  const msg = utf8(text);
  const lines = signers.map((s) => formatSignatureLine({ name: s.name, keyId: s.keyId, signature: s.sign(msg) }));
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into its text and signature lines without verifying anything. */
export function parseNote(note: string | Uint8Array): { text: string; signatures: NoteSignature[] } {
  const s = typeof note === 'string' ? note : fromUtf8(note);
  checkText(s, 'signed note');
  const split = s.lastIndexOf('\n\n');
  if (split < 0 || !s.endsWith('\n')) {
    throw new MatterlogError('invalid_input', 'malformed signed note: no blank line between text and signatures');
  }
  const text = s.slice(0, split + 1);
  const sigLines = s.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_NOTE_SIGNATURES) {
    throw new MatterlogError(
      'invalid_input',
      `signed note has ${sigLines.length} signatures; at most ${MAX_NOTE_SIGNATURES} are accepted`,
    );
  }
  const signatures = sigLines.map((line, i) => {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) throw new MatterlogError('invalid_input', `malformed signature line ${i + 1}: "${line.slice(0, 120)}"`);
    const name = m[1] as string;
    checkKeyName(name);
    const raw = fromBase64(m[2] as string);
    if (raw.length < 5) throw new MatterlogError('invalid_input', `signature line ${i + 1} is too short`);
    return { name, keyId: raw.slice(0, 4), signature: raw.slice(4) };
  });
  return { text, signatures };
}

/**
 * Opens a signed note against `verifiers`, per the trust rules in the header.
 * Throws `invalid_signature` when a known key's signature fails or none verifies.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(note);
  const msg = utf8(text);
  const verified: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  for (const sig of signatures) {
    const v = verifiers.find((k) => k.name === sig.name && bytesEqual(k.keyId, sig.keyId));
    if (!v) {
      unknown.push(sig);
      continue;
    }
    if (!v.verify(msg, sig.signature)) {
      throw new MatterlogError(
        'invalid_signature',
        `the signature by known key "${sig.name}" does not verify: the note was altered or mis-signed`,
        {
          details: { key: sig.name, keyId: toHex(sig.keyId) },
        },
      );
    }
    if (!verified.some((x) => x.name === sig.name && bytesEqual(x.keyId, sig.keyId))) verified.push(sig);
  }
  if (verified.length === 0) {
    const names = signatures.map((s) => `${s.name}+${toHex(s.keyId)}`).join(', ');
    throw new MatterlogError(
      'invalid_signature',
      `no signature from a trusted key (note is signed by: ${names || 'nobody'})`,
      {
        details: { signedBy: signatures.map((s) => s.name) },
      },
    );
  }
  return { text, verified, unknown };
}
