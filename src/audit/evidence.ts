/**
 * Evidence bundles: statements from the log with what anyone needs to check,
 * offline and trusting nobody but the log's public key, that they are in the
 * log and were signed by the actors they name.
 *
 * A bundle holds one signed checkpoint (with any witness cosignatures), every
 * statement it is about, and the `actor` and `revocation` statements that
 * registered and retired their signers' keys, each with an inclusion proof
 * against that checkpoint. Checking replays the registry from the operator's
 * key in log order, so a statement counts only if its signer's key was
 * registered before it and not revoked when it was issued, exactly as the log
 * judged it. Audit findings (issue 6) add the figures to recompute.
 */
import { fromBase64, toBase64, utf8 } from '../ledger/bytes.js';
import { openCheckpoint } from '../ledger/checkpoint.js';
import { MatterlogError } from '../ledger/errors.js';
import { leafHash } from '../ledger/hash.js';
import { type NoteVerifier, verifierFromVkey } from '../ledger/note.js';
import { verifyInclusion } from '../ledger/proof.js';
import { ActorRegistry } from '../statements/registry.js';
import { loggedStatementOf, type ParsedStatement, parseStatement } from '../statements/statement.js';
import { type AuditedEvent, auditedEvent } from './audited-event.js';
import { type FindingClaim, recomputeFinding } from './recompute.js';
import { type AuditTolerances, changedTolerances, checkTolerances } from './tolerances.js';

export const EVIDENCE_FORMAT = 'matterlog-evidence/1';

export interface EvidenceEntry {
  index: number;
  /** The log entry: the statement as a signed note. */
  entry: string;
  /** RFC 9162 inclusion proof against the bundle's checkpoint, base64 hashes. */
  proof: string[];
}

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  log: { origin: string; vkey: string };
  /** The operator key the registry starts from (published at GET / of the log). */
  operator: { name: string; vkey: string };
  /** A signed checkpoint of the log (C2SP signed note, with any cosignatures). */
  checkpoint: string;
  statements: EvidenceEntry[];
  /** The actor and revocation statements about the signers, in log order. */
  registry: EvidenceEntry[];
  /** For a finding's bundle: the tolerances its rule was run with (the defaults when absent). */
  tolerances?: AuditTolerances;
}

/** What a bundle is built from: the log as its reader serves it (src/app wires a LogReader). */
export interface EvidenceSource {
  log: { origin: string; vkey: string };
  operator: { name: string; vkey: string };
  checkpoint(): Promise<{ note: string; size: number }>;
  entry(index: number): Promise<Uint8Array>;
  inclusionProof(index: number, size: number): Promise<Uint8Array[]>;
  /** Indices of the actor and revocation statements about these actors, up to `size`. */
  registryEntries(actors: readonly string[], size: number): Promise<number[]>;
}

export async function buildEvidence(source: EvidenceSource, indices: readonly number[]): Promise<EvidenceBundle> {
  const { note, size } = await source.checkpoint();
  const entry = async (index: number): Promise<EvidenceEntry> => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new MatterlogError('not_found', `log index ${index} is not in the tree of size ${size}`);
    }
    const bytes = await source.entry(index);
    const proof = await source.inclusionProof(index, size);
    return { index, entry: new TextDecoder().decode(bytes), proof: proof.map(toBase64) };
  };
  const statements = await Promise.all([...new Set(indices)].sort((a, b) => a - b).map(entry));
  const signers = new Set<string>();
  for (const s of statements) {
    const p = parseStatement(s.entry);
    for (const sig of p.signatures) signers.add(sig.name);
    // A gateway's capture speaks for another actor, whose registration the check needs too.
    const onBehalfOf = (p.statement.body as Record<string, unknown>)['onBehalfOf'];
    if (typeof onBehalfOf === 'string') signers.add(onBehalfOf);
  }
  const registry = await Promise.all((await source.registryEntries([...signers], size)).map(entry));
  return {
    format: EVIDENCE_FORMAT,
    log: source.log,
    operator: source.operator,
    checkpoint: note,
    statements,
    registry,
  };
}

export interface EvidenceReport {
  ok: boolean;
  proved: string[];
  notProved: string[];
  /** What a bundle cannot prove about its finding, said plainly. */
  limits: string[];
  /** The statements that hold up, by log index. */
  statements: { index: number; kind: string; actor: string; issued: string }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function entriesOf(v: unknown, what: string): EvidenceEntry[] {
  if (!Array.isArray(v)) throw new MatterlogError('invalid_input', `the bundle's ${what} must be a list`);
  return v.map((e, i) => {
    if (
      !isObject(e) ||
      !Number.isSafeInteger(e['index']) ||
      typeof e['entry'] !== 'string' ||
      !Array.isArray(e['proof'])
    ) {
      throw new MatterlogError('invalid_input', `the bundle's ${what}[${i}] must be {"index", "entry", "proof"}`);
    }
    return e as unknown as EvidenceEntry;
  });
}

/**
 * Checks a bundle against the log key the caller trusts (and any witness keys):
 * the checkpoint's signatures, every inclusion proof, and every statement's
 * signatures against the registry replayed from the operator key. Says in words
 * what was and was not proved; never throws for a bundle that fails, only for
 * one that is not a bundle.
 */
export function verifyEvidence(
  value: unknown,
  trust: { logVkey: string; operatorVkey?: string; witnesses?: readonly NoteVerifier[] },
): EvidenceReport {
  if (!isObject(value) || value['format'] !== EVIDENCE_FORMAT) {
    throw new MatterlogError('invalid_input', `not an evidence bundle (expected "format": "${EVIDENCE_FORMAT}")`);
  }
  const statements = entriesOf(value['statements'], 'statements');
  const registry = entriesOf(value['registry'], 'registry');
  const operator = value['operator'];
  if (!isObject(operator) || typeof operator['name'] !== 'string' || typeof operator['vkey'] !== 'string') {
    throw new MatterlogError('invalid_input', 'the bundle names no operator {"name", "vkey"}');
  }
  const proved: string[] = [];
  const notProved: string[] = [];
  const logVerifier = verifierFromVkey(trust.logVkey);
  let size = 0;
  let root: Uint8Array;
  try {
    const cp = openCheckpoint(String(value['checkpoint']), logVerifier, trust.witnesses ?? []);
    size = cp.size;
    root = cp.root;
    const witnesses = cp.note.verified.filter((s) => s.name !== logVerifier.name).map((s) => s.name);
    proved.push(
      `the checkpoint is signed by the log "${logVerifier.name}" at size ${size}${witnesses.length > 0 ? `, and cosigned by ${witnesses.join(', ')}` : ''}`,
    );
  } catch (e) {
    notProved.push(`the checkpoint: ${(e as Error).message}`);
    return { ok: false, proved, notProved, limits: [], statements: [] };
  }
  if (trust.operatorVkey !== undefined && trust.operatorVkey !== operator['vkey']) {
    notProved.push(`the bundle's operator key is not the one you trust (${trust.operatorVkey})`);
  }
  const included = (e: EvidenceEntry, what: string): ParsedStatement | null => {
    try {
      verifyInclusion(leafHash(utf8(e.entry)), e.index, size, e.proof.map(fromBase64), root);
      return parseStatement(e.entry);
    } catch (err) {
      notProved.push(`${what} at index ${e.index} is not proved to be in the log: ${(err as Error).message}`);
      return null;
    }
  };
  // Replay the registry and check the statements in log order, as the log judged them.
  const reg = new ActorRegistry({ name: operator['name'], vkey: operator['vkey'] });
  const all = [
    ...registry.map((e) => ({ e, role: 'registry' as const })),
    ...statements.map((e) => ({ e, role: 'statement' as const })),
  ].sort((a, b) => a.e.index - b.e.index);
  const good: EvidenceReport['statements'] = [];
  const held: { statements: AuditedEvent[]; registry: AuditedEvent[] } = { statements: [], registry: [] };
  for (const { e, role } of all) {
    const p = included(e, role === 'registry' ? 'the registry statement' : 'the statement');
    if (!p) continue;
    try {
      const accepted = reg.check(p);
      if (p.statement.kind === 'actor' || p.statement.kind === 'revocation') reg.apply(p, e.index);
      if (role === 'statement') {
        good.push({ index: e.index, kind: p.statement.kind, actor: accepted.actor, issued: p.statement.issued });
        held.statements.push(auditedEvent(e.index, loggedStatementOf(p)));
      } else held.registry.push(auditedEvent(e.index, loggedStatementOf(p)));
    } catch (err) {
      notProved.push(
        `the statement at index ${e.index} does not hold up against the registry: ${(err as Error).message}`,
      );
    }
  }
  if (good.length === statements.length && statements.length > 0) {
    proved.push(
      `all ${statements.length} statements are in the log at the indices given and signed by their actors' registered, unrevoked keys`,
    );
  }
  const limits: string[] = [];
  const finding = value['finding'];
  if (
    isObject(finding) &&
    typeof finding['rule'] === 'string' &&
    isObject(finding['subject']) &&
    isObject(finding['numbers'])
  ) {
    let tolerances: AuditTolerances | null = null;
    try {
      tolerances = checkTolerances(value['tolerances'], "the bundle's tolerances");
    } catch (err) {
      notProved.push((err as Error).message);
    }
    if (tolerances) {
      const r = recomputeFinding(finding as unknown as FindingClaim, held.statements, held.registry, tolerances);
      const changed = changedTolerances(tolerances);
      const under =
        Object.keys(changed).length === 0
          ? 'the default tolerances'
          : `the tolerances ${JSON.stringify(changed)} (the rest default)`;
      if (!r.recomputed) limits.push(r.why);
      else if (r.matches)
        proved.push(`the "${finding['rule']}" finding's arithmetic comes out the same under ${under}: ${r.why}`);
      else notProved.push(`the "${finding['rule']}" finding, under ${under}: ${r.why}`);
    }
  }
  return { ok: notProved.length === 0 && statements.length > 0, proved, notProved, limits, statements: good };
}
