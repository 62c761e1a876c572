/**
 * A statement: one claim in the log, as a C2SP signed note whose text is one
 * line of RFC 8785 canonical JSON with exactly the members `v`, `kind`,
 * `issuer`, `issued` and `body`, signed by the key of every issuer.
 *
 *   {"body":{…},"issued":"2045-03-01T10:00:00Z","issuer":"recycler.example/plant-7","kind":"epcis.event","v":1}
 *
 *   — recycler.example/plant-7 <base64(keyID || Ed25519 signature)>
 *
 * An issuer is an actor name, which is also the name of its signing key. A
 * claim made jointly (a custody handover) names its issuers as an array, and
 * verifies only when each of them has signed. Signature lines are kept in the
 * order of the issuers, so a statement and its signers have one byte form.
 */
import { fromBase64, fromUtf8, toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MAX_ENTRY_SIZE } from '../ledger/entry-bundle.js';
import { MatterlogError } from '../ledger/errors.js';
import {
  checkKeyName,
  formatSignatureLine,
  type NoteSignature,
  type NoteSigner,
  parseNote,
  signNote,
} from '../ledger/note.js';
import { canonicalJson, type JsonValue, parseCanonicalJson } from './canonical-json.js';
import { isKind, KINDS, type StatementKind } from './roles.js';

export const STATEMENT_VERSION = 1;

export interface Statement<B extends JsonValue = JsonValue> {
  v: 1;
  kind: StatementKind;
  /** One actor name, or (a joint claim) two or more distinct names. */
  issuer: string | string[];
  /** RFC 3339 UTC, e.g. 2045-03-01T10:00:00Z (fractions of a second allowed). */
  issued: string;
  body: B;
}

/** A statement read from a note, not yet checked against any key. */
export interface ParsedStatement {
  statement: Statement;
  /** The canonical JSON text plus its newline: what every issuer signed. */
  text: string;
  /** SHA-256 of `text`, hex: the dedup key. */
  textSha256: string;
  issuers: string[];
  issuedMs: number;
  /** One per issuer, in issuer order. */
  signatures: NoteSignature[];
  /** The note in its one normal form (signature lines in issuer order). */
  note: string;
}

const ISSUED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/** Milliseconds since the epoch of an RFC 3339 UTC time, or an `invalid_input` naming `where`. */
export function parseUtcTime(value: unknown, where: string): number {
  const m = typeof value === 'string' ? ISSUED.exec(value) : null;
  const ms = m ? Date.parse(value as string) : Number.NaN;
  // Date.parse rolls 2045-02-30 over into March; a real calendar date round-trips.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== (value as string).slice(0, 19)) {
    throw new MatterlogError(
      'invalid_input',
      `${where} must be an RFC 3339 UTC time such as 2045-03-01T10:00:00Z, not ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

export function issuersOf(statement: Pick<Statement, 'issuer'>): string[] {
  return typeof statement.issuer === 'string' ? [statement.issuer] : [...statement.issuer];
}

/** Checks the envelope (not the body, which is per kind) and returns the issuers. */
export function checkEnvelope(value: unknown): { statement: Statement; issuers: string[]; issuedMs: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MatterlogError('invalid_input', 'a statement must be a JSON object');
  }
  const allowed = ['body', 'issued', 'issuer', 'kind', 'v'];
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw new MatterlogError(
      'invalid_input',
      `a statement has exactly the members v, kind, issuer, issued and body; remove ${extra.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  const s = value as Record<string, unknown>;
  for (const k of allowed) {
    if (!(k in s)) throw new MatterlogError('invalid_input', `the statement has no "${k}"`);
  }
  if (s['v'] !== STATEMENT_VERSION) {
    throw new MatterlogError(
      'invalid_input',
      `statement version ${JSON.stringify(s['v'])} is not supported (v must be 1)`,
    );
  }
  if (!isKind(s['kind'])) {
    throw new MatterlogError(
      'invalid_input',
      `unknown statement kind ${JSON.stringify(s['kind'])}; kinds are ${KINDS.join(', ')}`,
    );
  }
  const issuer = s['issuer'];
  let issuers: string[];
  if (typeof issuer === 'string') issuers = [issuer];
  else if (Array.isArray(issuer) && issuer.length >= 2 && issuer.every((i) => typeof i === 'string')) {
    issuers = issuer as string[];
    if (new Set(issuers).size !== issuers.length) {
      throw new MatterlogError('invalid_input', `the issuers ${issuers.join(', ')} name someone twice`);
    }
  } else {
    throw new MatterlogError(
      'invalid_input',
      'issuer must be an actor name, or an array of two or more names for a joint statement',
    );
  }
  for (const name of issuers) {
    try {
      checkKeyName(name);
    } catch (cause) {
      throw new MatterlogError('invalid_input', `issuer "${name}" is not a valid actor name`, { cause });
    }
  }
  const issuedMs = parseUtcTime(s['issued'], 'issued');
  if (typeof s['body'] !== 'object' || s['body'] === null || Array.isArray(s['body'])) {
    throw new MatterlogError('invalid_input', 'body must be a JSON object');
  }
  return { statement: value as Statement, issuers, issuedMs };
}

/** The statement's note text: canonical JSON and a newline. */
export function statementText(statement: Statement): string {
  checkEnvelope(statement);
  return `${canonicalJson(statement)}\n`;
}

/**
 * Signs `statement` with the keys of its issuers (each signer's name must be an
 * issuer; every issuer need not sign here: co-signers add theirs with
 * `addSignatures`). Refuses a note larger than one log entry.
 */
export function signStatement(statement: Statement, signers: NoteSigner[]): string {
  const text = statementText(statement);
  const issuers = issuersOf(statement);
  for (const s of signers) {
    if (!issuers.includes(s.name)) {
      throw new MatterlogError(
        'invalid_input',
        `the key "${s.name}" is not an issuer of this statement (issuers: ${issuers.join(', ')})`,
      );
    }
  }
  const ordered = [...signers].sort((a, b) => issuers.indexOf(a.name) - issuers.indexOf(b.name));
  return checkNoteSize(signNote(text, ordered));
}

/** Adds the signatures of `signers` to a statement note (a co-signer's turn in a joint claim). */
export function addSignatures(note: string, signers: NoteSigner[]): string {
  const { text, signatures } = parseNote(note);
  const parsed = parseStatementText(text);
  const issuers = issuersOf(parsed.statement);
  const fresh = signNote(text, signers);
  const added = parseNote(fresh).signatures;
  for (const s of added) {
    if (!issuers.includes(s.name)) {
      throw new MatterlogError('invalid_input', `the key "${s.name}" is not an issuer of this statement`);
    }
  }
  const merged = [...signatures.filter((s) => !added.some((a) => a.name === s.name)), ...added];
  merged.sort((a, b) => issuers.indexOf(a.name) - issuers.indexOf(b.name));
  return checkNoteSize(`${text}\n${merged.map(formatSignatureLine).join('')}`);
}

function parseStatementText(text: string): { statement: Statement; issuers: string[]; issuedMs: number } {
  if (text.indexOf('\n') !== text.length - 1) {
    throw new MatterlogError('invalid_input', 'a statement text is exactly one line of JSON');
  }
  return checkEnvelope(parseCanonicalJson(text.slice(0, -1), 'the statement text'));
}

/**
 * Reads a statement note: one canonical JSON line, a valid envelope, and exactly
 * one signature line per issuer, from no one else. Signatures are not verified
 * here (that needs the actor registry); the result carries the note in normal form.
 */
export function parseStatement(note: string | Uint8Array): ParsedStatement {
  const bytes = typeof note === 'string' ? utf8(note) : note;
  if (bytes.length > MAX_ENTRY_SIZE) throw tooLarge(bytes.length);
  const { text, signatures } = parseNote(typeof note === 'string' ? note : fromUtf8(note));
  const { statement, issuers, issuedMs } = parseStatementText(text);
  const byIssuer: NoteSignature[] = [];
  for (const sig of signatures) {
    if (!issuers.includes(sig.name)) {
      throw new MatterlogError(
        'invalid_input',
        `the statement is signed by "${sig.name}", who is not one of its issuers (${issuers.join(', ')})`,
      );
    }
    if (byIssuer.some((s) => s.name === sig.name)) {
      throw new MatterlogError('invalid_input', `"${sig.name}" signed the statement twice; keep one signature`);
    }
    byIssuer.push(sig);
  }
  const missing = issuers.filter((i) => !byIssuer.some((s) => s.name === i));
  if (missing.length > 0) {
    throw new MatterlogError(
      'invalid_signature',
      `the statement is not signed by ${missing.map((m) => `"${m}"`).join(' and ')}: every issuer must sign`,
      { details: { unsigned: missing } },
    );
  }
  byIssuer.sort((a, b) => issuers.indexOf(a.name) - issuers.indexOf(b.name));
  const normal = `${text}\n${byIssuer.map(formatSignatureLine).join('')}`;
  return {
    statement,
    text,
    textSha256: toHex(sha256(utf8(text))),
    issuers,
    issuedMs,
    signatures: byIssuer,
    note: normal,
  };
}

/** What the audit reads of a statement the log's indexes already accepted. */
export interface LoggedStatement {
  statement: Statement;
  issuers: string[];
  issuedMs: number;
  /** Who signed, in issuer order, and with which key (its 4-byte key ID, hex): all the audit needs of a signature. */
  signers: { name: string; keyId: string }[];
}

/** The audit's view of a statement parsed (and so fully checked) by `parseStatement`. */
export function loggedStatementOf(p: ParsedStatement): LoggedStatement {
  return {
    statement: p.statement,
    issuers: p.issuers,
    issuedMs: p.issuedMs,
    signers: p.signatures.map((s) => ({ name: s.name, keyId: toHex(s.keyId) })),
  };
}

/**
 * Reads a log entry the indexer has already accepted as a statement (so its
 * canonical form, envelope and signatures were checked then): the envelope and
 * who signed with which key, without re-checking canonical form, hashing the
 * text or decoding whole signatures, which at a million entries is most of an
 * audit's time. Never use it on input that has not been through `parseStatement`.
 */
export function readLoggedStatement(entry: Uint8Array): LoggedStatement {
  const note = fromUtf8(entry);
  const split = note.lastIndexOf('\n\n');
  // The envelope passed checkEnvelope on the way in, so its issued time parses as parseUtcTime read it.
  const statement = JSON.parse(note.slice(0, split)) as Statement;
  const issuers = issuersOf(statement);
  const signers: LoggedStatement['signers'] = [];
  // Each line is "— <name> <base64(key ID ‖ signature)>"; the first 8 base64 characters hold the 4-byte key ID.
  for (let at = split + 2; at < note.length; ) {
    const end = note.indexOf('\n', at);
    const line = note.slice(at, end < 0 ? note.length : end);
    const space = line.indexOf(' ', 2);
    const name = line.slice(2, space);
    signers.push({
      // The issuer's own string, not the slice: a slice keeps the whole note alive while the audit holds the name.
      name: issuers.find((i) => i === name) ?? name,
      keyId: toHex(fromBase64(line.slice(space + 1, space + 9)).subarray(0, 4)),
    });
    at = end < 0 ? note.length : end + 1;
  }
  return { statement, issuers, issuedMs: Date.parse(statement.issued), signers };
}

function checkNoteSize(note: string): string {
  const n = utf8(note).length;
  if (n > MAX_ENTRY_SIZE) throw tooLarge(n);
  return note;
}

function tooLarge(n: number): MatterlogError {
  return new MatterlogError(
    'entry_too_large',
    `the signed statement is ${n} bytes; one log entry holds at most ${MAX_ENTRY_SIZE}. Store a large document outside the log and put its SHA-256 in the statement (see DESIGN.md §3)`,
    { details: { size: n, max: MAX_ENTRY_SIZE } },
  );
}
