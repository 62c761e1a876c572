import { describe, expect, it } from 'vitest';
import { utf8 } from '../ledger/bytes.js';
import { isMatterlogError } from '../ledger/errors.js';
import { ed25519NoteKey, parseNote } from '../ledger/note.js';
import { canonicalJson, parseCanonicalJson } from './canonical-json.js';
import {
  addSignatures,
  loggedStatementOf,
  parseStatement,
  readLoggedStatement,
  type Statement,
  signStatement,
} from './statement.js';

const seed = (n: number) => new Uint8Array(32).fill(n);
const sender = ed25519NoteKey('collector.example/depot-1', seed(1));
const receiver = ed25519NoteKey('recycler.example/plant-7', seed(2));

function handover(): Statement {
  return {
    v: 1,
    kind: 'epcis.event',
    issuer: [sender.signer.name, receiver.signer.name],
    issued: '2045-03-01T10:00:00Z',
    body: { event: { type: 'ObjectEvent' }, eventID: `ni:///sha-256;${'a'.repeat(64)}?ver=CBV2.0` },
  };
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isMatterlogError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and writes ES6 numbers', () => {
    // RFC 8785 §3.2.3's sorting example: keys compare as UTF-16 code units.
    const text = canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, '\u0080': 5, '\u00f6': 6 });
    expect(text).toBe('{"\\r":2,"1":4,"\u0080":5,"\u00f6":6,"\u20ac":1,"\ud83d\ude00":3}');
    expect(canonicalJson({ n: [1e21, 1e-7, -0, 0.1, 333333333.3333333] })).toBe(
      '{"n":[1e+21,1e-7,0,0.1,333333333.3333333]}',
    );
  });

  it('refuses values JSON cannot hold, naming where they are', () => {
    expect(code(() => canonicalJson({ a: [1, Number.NaN] }))).toMatch(/\/a\/1/);
    expect(code(() => canonicalJson({ a: undefined }))).toMatch(/invalid_input: not JSON at "\/a"/);
  });

  it('accepts only texts already in canonical form', () => {
    expect(parseCanonicalJson('{"a":1,"b":2}', 'x')).toEqual({ a: 1, b: 2 });
    expect(code(() => parseCanonicalJson('{"b":2,"a":1}', 'x'))).toMatch(/not RFC 8785 canonical.*character 2/);
    expect(code(() => parseCanonicalJson('{"a":1.0}', 'x'))).toMatch(/canonical/);
    expect(code(() => parseCanonicalJson('{"a":1,"a":2}', 'x'))).toMatch(/canonical/);
    expect(code(() => parseCanonicalJson('{"a": 1}', 'x'))).toMatch(/canonical/);
  });
});

describe('statements as signed notes', () => {
  it('reads a logged entry (the audit’s fast path) exactly as the full parser does', () => {
    const note = signStatement(handover(), [sender.signer, receiver.signer]);
    const logged = readLoggedStatement(utf8(note));
    expect(logged).toEqual(loggedStatementOf(parseStatement(note)));
    expect(logged.signers.map((s) => s.name)).toEqual([sender.signer.name, receiver.signer.name]);
    expect(logged.signers[1]?.keyId).toBe(Buffer.from(receiver.verifier.keyId).toString('hex'));
  });

  it('is one canonical line signed by its issuer', () => {
    const note = signStatement({ ...handover(), issuer: sender.signer.name }, [sender.signer]);
    const [line, blank] = note.split('\n');
    expect(line).toBe(
      `{"body":{"event":{"type":"ObjectEvent"},"eventID":"ni:///sha-256;${'a'.repeat(64)}?ver=CBV2.0"},"issued":"2045-03-01T10:00:00Z","issuer":"collector.example/depot-1","kind":"epcis.event","v":1}`,
    );
    expect(blank).toBe('');
    const parsed = parseStatement(note);
    expect(parsed.issuers).toEqual([sender.signer.name]);
    expect(parsed.note).toBe(note);
    expect(parsed.issuedMs).toBe(Date.UTC(2045, 2, 1, 10));
  });

  it('a joint statement needs every issuer, and has one byte form whatever the signing order', () => {
    const half = signStatement(handover(), [receiver.signer]);
    expect(code(() => parseStatement(half))).toMatch(/invalid_signature: .*not signed by "collector.example\/depot-1"/);
    const full = addSignatures(half, [sender.signer]);
    const other = signStatement(handover(), [sender.signer, receiver.signer]);
    expect(full).toBe(other);
    expect(parseNote(full).signatures.map((s) => s.name)).toEqual([sender.signer.name, receiver.signer.name]);
    expect(parseStatement(full).signatures).toHaveLength(2);
  });

  it('refuses strangers, duplicate signatures and signers who are not issuers', () => {
    const stranger = ed25519NoteKey('stranger', seed(3));
    expect(code(() => signStatement(handover(), [stranger.signer]))).toMatch(/not an issuer/);
    const note = signStatement({ ...handover(), issuer: sender.signer.name }, [sender.signer]);
    const extra = `${note}${note.split('\n\n')[1]}`;
    expect(code(() => parseStatement(extra))).toMatch(/signed the statement twice/);
    const foreign = note.replace('— collector.example/depot-1', '— stranger');
    expect(code(() => parseStatement(foreign))).toMatch(/signed by "stranger", who is not one of its issuers/);
  });

  it('checks the envelope member by member', () => {
    const base = { ...handover(), issuer: sender.signer.name };
    const bad = (s: unknown) => code(() => signStatement(s as Statement, [sender.signer]));
    expect(bad({ ...base, v: 2 })).toMatch(/version 2 is not supported/);
    expect(bad({ ...base, kind: 'gossip' })).toMatch(/unknown statement kind "gossip"/);
    expect(bad({ ...base, issued: '2045-02-30T10:00:00Z' })).toMatch(/RFC 3339 UTC/);
    expect(bad({ ...base, issued: '2045-03-01T10:00:00+01:00' })).toMatch(/RFC 3339 UTC/);
    expect(bad({ ...base, extra: 1 })).toMatch(/remove "extra"/);
    expect(bad({ ...base, issuer: ['a b', 'c'] })).toMatch(/issuer "a b" is not a valid actor name/);
    expect(bad({ ...base, issuer: [sender.signer.name, sender.signer.name] })).toMatch(/name someone twice/);
    expect(bad({ ...base, body: [] })).toMatch(/body must be a JSON object/);
  });

  it('refuses a text that is not exactly canonical, even when correctly signed', () => {
    const text = '{"v":1,"kind":"actor","issuer":"a","issued":"2045-03-01T10:00:00Z","body":{}}\n';
    const note = `${text}\n— a ${Buffer.from(new Uint8Array(68)).toString('base64')}\n`;
    expect(code(() => parseStatement(note))).toMatch(/not RFC 8785 canonical/);
  });

  it('refuses a statement larger than one log entry and says what to do', () => {
    const big = {
      ...handover(),
      issuer: sender.signer.name,
      body: { ...(handover().body as object), pad: 'x'.repeat(70_000) },
    } as Statement;
    expect(code(() => signStatement(big, [sender.signer]))).toMatch(
      /entry_too_large: .*at most 65535.*SHA-256 in the statement/,
    );
    const huge = utf8('x'.repeat(70_000));
    expect(code(() => parseStatement(huge))).toMatch(/entry_too_large/);
  });
});
