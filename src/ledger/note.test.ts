import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './bytes.js';
import { formatCheckpoint, openCheckpoint, parseCheckpoint } from './checkpoint.js';
import { cosignatureTimestamp, cosignatureVerifier, ed25519Cosigner } from './cosignature.js';
import { emptyRoot } from './hash.js';
import {
  ed25519NoteKey,
  formatSignatureLine,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifierFromVkey,
} from './note.js';

const seed = (n: number) => new Uint8Array(32).fill(n);
const alice = ed25519NoteKey('alice.example/log', seed(1));
const bob = ed25519NoteKey('bob.example/w', seed(2));

describe('signed notes', () => {
  it('sign and open with one and with several keys', () => {
    const note = signNote('hello\nworld\n', [alice.signer, bob.signer]);
    expect(note.startsWith('hello\nworld\n\n\u2014 alice.example/log ')).toBe(true);
    const opened = openNote(note, [alice.verifier, bob.verifier]);
    expect(opened.text).toBe('hello\nworld\n');
    expect(opened.verified.map((s) => s.name)).toEqual(['alice.example/log', 'bob.example/w']);
    expect(openNote(note, [bob.verifier]).unknown.map((s) => s.name)).toEqual(['alice.example/log']);
  });

  it('ignore unknown keys, including one sharing only the name or only the ID of a known key', () => {
    const impostor = ed25519NoteKey('alice.example/log', seed(9)); // same name, other key ID
    const note = signNote('text\n', [impostor.signer, alice.signer]);
    const opened = openNote(note, [alice.verifier]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unknown).toHaveLength(1);
    expect(() => openNote(signNote('text\n', [impostor.signer]), [alice.verifier])).toThrow(
      /no signature from a trusted key/,
    );
  });

  it('reject the whole note when a known key fails, even if another verifies', () => {
    const note = signNote('pay 10\n', [alice.signer, bob.signer]);
    const tampered = note.replace('pay 10', 'pay 99');
    expect(() => openNote(tampered, [alice.verifier])).toThrow(/does not verify/);
    // A bad signature from bob, a good one from alice: rejected because bob is known.
    const bobLine = formatSignatureLine({
      name: bob.signer.name,
      keyId: bob.signer.keyId,
      signature: new Uint8Array(64),
    });
    const mixed = `${signNote('pay 10\n', [alice.signer])}${bobLine}`;
    expect(openNote(mixed, [alice.verifier]).verified).toHaveLength(1);
    expect(() => openNote(mixed, [alice.verifier, bob.verifier])).toThrow(/bob.example\/w/);
  });

  it('reject malformed notes', () => {
    const good = signNote('a\n', [alice.signer]);
    expect(() => openNote('a\n', [alice.verifier])).toThrow(/blank line/);
    expect(() => openNote(good.slice(0, -1), [alice.verifier])).toThrow();
    expect(() => openNote(good.replace('\u2014', '-'), [alice.verifier])).toThrow(/malformed signature line/);
    expect(() => openNote(`a\tb\n\n${good.split('\n\n')[1]}`, [alice.verifier])).toThrow(/control character/);
    expect(() => signNote('no newline', [alice.signer])).toThrow(/newline/);
  });

  it('keeps the last blank line as the separator when the text has empty lines', () => {
    const note = signNote('a\n\nb\n', [alice.signer]);
    expect(openNote(note, [alice.verifier]).text).toBe('a\n\nb\n');
  });
});

describe('verifier and signer keys', () => {
  it('round-trip and check their key hash', () => {
    const k = parseVerifierKey(alice.vkey);
    expect(k.name).toBe('alice.example/log');
    expect(k.type).toBe(1);
    expect(parseSignerKey(alice.skey).vkey).toBe(alice.vkey);
    const [name, , key] = alice.vkey.split('+');
    expect(() => parseVerifierKey(`${name}+00000000+${key}`)).toThrow(/does not match/);
    expect(() => parseVerifierKey('a+b')).toThrow(/name\+hash\+key/);
    expect(() => ed25519NoteKey('has space', seed(1))).toThrow(/not allowed/);
    // Base64 key material often contains '+', the field separator: only the first fields split on it.
    let withPlus = 0;
    for (let i = 0; i < 64; i++) {
      const k = ed25519NoteKey('k.example/x', seed(i));
      if (k.skey.split('+').length > 5 || k.vkey.split('+').length > 3) withPlus++;
      expect(parseSignerKey(k.skey).vkey).toBe(k.vkey);
      expect(parseVerifierKey(k.vkey).publicKey).toEqual(k.publicKey);
    }
    expect(withPlus).toBeGreaterThan(0);
    expect(() => ed25519NoteKey('has+plus', seed(1))).toThrow(/not allowed/);
  });
});

describe('checkpoints', () => {
  it('format, parse strictly and open against the log key', () => {
    const text = formatCheckpoint({ origin: 'alice.example/log', size: 0, root: emptyRoot() });
    expect(text).toBe('alice.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
    expect(parseCheckpoint(text).size).toBe(0);
    const signed = signNote(text, [alice.signer]);
    expect(openCheckpoint(signed, alice.verifier).origin).toBe('alice.example/log');
    expect(() => openCheckpoint(signNote(text, [bob.signer]), verifierFromVkey(bob.vkey))).toThrow(/origin/);
    for (const bad of [
      'o\n01\nAAAA\n',
      'o\n1\n',
      `o\n1\n${toBase64(new Uint8Array(31))}\n`,
      `\n1\n${toBase64(emptyRoot())}\n`,
    ]) {
      expect(() => parseCheckpoint(bad), bad).toThrow(/malformed checkpoint/);
    }
    expect(parseCheckpoint(`o\n5\n${toBase64(emptyRoot())}\next\n`).extensions).toEqual(['ext']);
  });
});

describe('tlog-cosignature v1 (type 0x04)', () => {
  it('cosigns a checkpoint with a timestamp and verifies beside the log signature', () => {
    const witness = ed25519Cosigner('witness.example/w1', seed(3));
    const text = formatCheckpoint({ origin: 'alice.example/log', size: 0, root: emptyRoot() });
    const cosig = witness.cosign(text, 1_679_315_147);
    expect(cosig.signature).toHaveLength(72);
    expect(cosignatureTimestamp(cosig.signature)).toBe(1_679_315_147);
    const note = `${signNote(text, [alice.signer])}${formatSignatureLine(cosig)}`;
    const wv = cosignatureVerifier(witness.name, witness.publicKey);
    const opened = openCheckpoint(note, alice.verifier, [wv]);
    expect(opened.note.verified.map((s) => s.name)).toEqual(['alice.example/log', 'witness.example/w1']);
    expect(parseVerifierKey(witness.vkey).type).toBe(4);
    // The timestamp is signed: changing it breaks the cosignature.
    const forged = cosig.signature.slice();
    forged[7] = (forged[7] as number) ^ 1;
    const bad = `${signNote(text, [alice.signer])}${formatSignatureLine({ ...cosig, signature: forged })}`;
    expect(() => openCheckpoint(bad, alice.verifier, [wv])).toThrow(/witness.example\/w1/);
    // A 0x01 key with the same name and key material is a different key ID: ignored, not confused.
    expect(fromBase64(witness.vkey.split('+')[2] as string)[0]).toBe(4);
  });
});
