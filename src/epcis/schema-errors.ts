/**
 * Turns Ajv's errors for the GS1 EPCIS schema into one clear reason per bad spot.
 *
 * With `allErrors`, one wrong bizStep yields three errors (not a URI, not a CBV
 * word, matches no alternative) and one unknown field yields five, plus an "if"
 * error on every enclosing object. Users need the one sentence that says what
 * to change, at the JSON pointer of the thing to change.
 */
import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from './types.js';

type Err = ErrorObject & { propertyName?: string };
type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapePointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');
const lastSegment = (pointer: string) => (pointer.split('/').pop() ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
const within = (pointer: string, base: string) => pointer === base || pointer.startsWith(`${base}/`);
const quote = (xs: readonly unknown[]) => xs.map((x) => `'${String(x)}'`);

/** The vocabularies the schema spells out, keyed by their first word. */
const VOCABULARIES = new Map([
  ['accepting', 'a CBV 2.0 bizStep word'],
  ['active', 'a CBV 2.0 disposition word'],
  ['bol', 'a CBV 2.0 business transaction type'],
  ['owning_party', 'a CBV 2.0 source/destination type'],
  ['did_not_occur', 'a CBV 2.0 error reason'],
  ['x', 'a CBV 2.0 sensor component'],
  ['AbsoluteHumidity', 'a GS1 measurement type'],
  ['ALARM_CONDITION', 'a GS1 sensor alert type'],
]);

function vocabularyReason(value: unknown, words: readonly string[], field: string): string {
  const kind = VOCABULARIES.get(String(words[0])) ?? `one of ${quote(words).join(', ')}`;
  const examples = words.length > 4 ? ` (${words.slice(0, 3).join(', ')}, … ${words.length} words)` : '';
  const need = `must be ${kind}${examples} or an absolute URI`;
  if (typeof value !== 'string') return `${need}, not a ${value === null ? 'null' : typeof value}`;
  const urn = /^urn:epcglobal:cbv:[a-z]+:(.+)$/.exec(value);
  if (urn) return `${need}: EPCIS 2.0 JSON writes the bare word '${urn[1]}', not the urn:epcglobal:cbv: form`;
  if (/^https?:\/\/(www\.)?gs1\.org\/voc\//.test(value)) {
    return `${need}: write the bare word '${lastSegment(value)}' instead of a gs1.org/voc URI`;
  }
  const hint = field === 'bizStep' ? ' (for recycling steps use https://w3id.org/matterlog/voc/BizStep-…)' : '';
  return `${need}; '${value}' is neither${hint}`;
}

function describeAlternative(s: unknown): string {
  if (!isSchema(s)) return 'something else';
  if (typeof s['$ref'] === 'string') return s['$ref'].includes('uri') ? 'an absolute URI' : 'a valid value';
  if (s['format'] === 'uri') return 'an absolute URI';
  if (Array.isArray(s['enum'])) return `one of ${quote(s['enum']).join(', ')}`;
  if (s['type'] === 'array') return 'an array of URIs';
  return typeof s['type'] === 'string' ? `${/^[aeiou]/.test(s['type']) ? 'an' : 'a'} ${s['type']}` : 'a valid value';
}

/** An anyOf about the value itself (a vocabulary word or URI, one URI or a list of them). */
function valueAlternatives(e: Err): unknown[] | null {
  const alts = isSchema(e.parentSchema) ? e.parentSchema['anyOf'] : undefined;
  if (!Array.isArray(alts)) return null;
  const structural = alts.some(
    (a) => isSchema(a) && ('required' in a || 'properties' in a || 'allOf' in a || 'anyOf' in a),
  );
  return structural ? null : alts;
}

function valueAnyOfReason(e: Err, alts: unknown[]): string {
  const words = alts.find((a): a is Schema => isSchema(a) && Array.isArray(a['enum']))?.['enum'];
  if (Array.isArray(words) && alts.length === 2)
    return vocabularyReason(e.data, words.map(String), lastSegment(e.instancePath));
  return `must be ${alts.map(describeAlternative).join(' or ')}`;
}

/** Every property an anyOf's alternatives name, at any depth. */
function mentioned(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) for (const x of s) mentioned(x, out);
  else if (isSchema(s)) {
    if (Array.isArray(s['required'])) for (const r of s['required']) out.add(String(r));
    if (isSchema(s['properties'])) for (const k of Object.keys(s['properties'])) out.add(k);
    for (const k of ['allOf', 'anyOf']) if (Array.isArray(s[k])) mentioned(s[k], out);
  }
  return out;
}

function part(e: Err, base: string): string {
  const field = lastSegment(e.instancePath);
  if (e.keyword === 'required') return `'${String(e.params['missingProperty'])}'`;
  if (e.keyword === 'minItems') return `a non-empty '${field}'`;
  if (e.keyword === 'not') return `no '${field}'`;
  const exact = e.keyword === 'pattern' ? /^\^(\w+)\$$/.exec(String(e.params['pattern'])) : null;
  if (exact) return `${field} ${exact[1]}`;
  return e.instancePath === base ? String(e.message) : `'${field}' that ${String(e.message)}`;
}

/** "needs 'a', or 'b' and 'c'" from the errors of each failed alternative, nested anyOfs included. */
function describeAnyOf(errors: Err[], at: number, used: Set<number>): string {
  const a = errors[at] as Err;
  const prefix = `${a.schemaPath}/`;
  const branches = new Map<string, number[]>();
  for (let i = at - 1; i >= 0; i--) {
    const e = errors[i] as Err;
    if (used.has(i) || !e.schemaPath.startsWith(prefix) || !within(e.instancePath, a.instancePath)) continue;
    used.add(i);
    const b = e.schemaPath.slice(prefix.length).split('/')[0] as string;
    branches.set(b, [i, ...(branches.get(b) ?? [])]);
  }
  const described = [...branches.keys()].sort().map((b) => {
    const members = branches.get(b) as number[];
    const parts: string[] = [];
    for (let k = members.length - 1; k >= 0; k--) {
      const i = members[k] as number;
      const e = errors[i] as Err;
      if (e.keyword !== 'anyOf') continue;
      const inner = describeAnyOf(errors, i, used);
      parts.unshift(inner.includes(' or ') ? `(${inner})` : inner);
    }
    for (const i of members) {
      const e = errors[i] as Err;
      if (e.keyword !== 'anyOf' && e.keyword !== 'allOf' && !parts.includes(part(e, a.instancePath))) {
        parts.push(part(e, a.instancePath));
      }
    }
    return parts.join(' and ');
  });
  return described.join(', or ');
}

function simpleReason(e: Err): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return `missing required property '${String(p['missingProperty'])}'`;
    case 'type':
      return `must be ${/^[aeiou]/.test(String(p['type'])) ? 'an' : 'a'} ${String(p['type'])}, not ${Array.isArray(e.data) ? 'an array' : e.data === null ? 'null' : `a ${typeof e.data}`}`;
    case 'format':
      if (p['format'] === 'uri' && lastSegment(e.instancePath) === 'type') {
        return 'must be ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent or the absolute URI of an extension event type';
      }
      if (p['format'] === 'uri') return 'must be an absolute URI, e.g. urn:epc:id:sgtin:… or https://id.gs1.org/…';
      if (p['format'] === 'date-time')
        return 'must be an RFC 3339 date-time with an explicit offset, e.g. 2025-03-01T10:00:00.000+01:00';
      return `must be a valid ${String(p['format'])}`;
    case 'enum':
      return `must be one of ${quote(p['allowedValues'] as unknown[]).join(', ')}`;
    case 'pattern':
      if (lastSegment(e.instancePath) === 'eventTimeZoneOffset')
        return 'must be a UTC offset between -14:00 and +14:00 written ±hh:mm, e.g. +01:00';
      if (lastSegment(e.instancePath) === 'uom')
        return 'must be a UN/CEFACT Recommendation 20 unit code (2–3 capitals or digits), e.g. KGM';
      if (lastSegment(e.instancePath) === 'schemaVersion') return "must be a version number such as '2.0'";
      return `must match the pattern ${String(p['pattern'])}`;
    case 'minItems':
      return `must have at least ${String(p['limit'])} item${p['limit'] === 1 ? '' : 's'}`;
    case 'uniqueItems':
      return `must not repeat items (items ${String(p['j'])} and ${String(p['i'])} are identical)`;
    case 'not':
      return 'must not be present here';
    default:
      return String(e.message);
  }
}

/** One clear reason per bad spot, pointers prefixed with `prefix` (where the validated value sits in what was sent). */
export function describeSchemaErrors(all: readonly ErrorObject[], prefix = ''): ValidationIssue[] {
  const errors = all as Err[];
  const used = new Set<number>();
  const issues: ValidationIssue[] = [];
  const add = (pointer: string, reason: string) => issues.push({ pointer: prefix + pointer, reason });
  errors.forEach((e, i) => {
    if (e.keyword === 'if') used.add(i);
  });
  // Unknown property names: one reason at the property itself.
  errors.forEach((e, k) => {
    if (e.keyword !== 'propertyNames') return;
    const name = String(e.params['propertyName']);
    for (let j = k - 1; j >= 0; j--) {
      const c = errors[j] as Err;
      if (c.instancePath !== e.instancePath || (c.propertyName === undefined && c.data !== name)) break;
      used.add(j);
    }
    used.add(k);
    const owner = isSchema(e.data) && typeof e.data['type'] === 'string' ? e.data['type'] : 'this object';
    const why =
      lastSegment(e.instancePath) === 'ilmd'
        ? `ILMD field '${name}' needs a namespace: write it as prefix:${name} with the prefix declared in @context`
        : `unknown property '${name}': not a field of ${owner}; extension fields need a namespace (prefix:${name}, with the prefix declared in @context)`;
    add(`${e.instancePath}/${escapePointer(name)}`, why);
  });
  // anyOf, outermost first (Ajv reports an anyOf after the errors of its alternatives).
  for (let i = errors.length - 1; i >= 0; i--) {
    const e = errors[i] as Err;
    if (used.has(i) || e.keyword !== 'anyOf') continue;
    used.add(i);
    const alts = valueAlternatives(e);
    if (alts !== null) {
      for (let j = i - 1; j >= 0 && within((errors[j] as Err).instancePath, e.instancePath); j--) used.add(j);
      add(e.instancePath, valueAnyOfReason(e, alts));
      continue;
    }
    const before = new Set(used);
    const reason = describeAnyOf(errors, i, used);
    // A more specific error under a field the alternatives name (action 'SHIP') already says what is wrong.
    const names = [...mentioned(isSchema(e.parentSchema) ? e.parentSchema['anyOf'] : [])];
    const explained = errors.some(
      (o, j) =>
        !used.has(j) &&
        o.keyword !== 'anyOf' &&
        names.some((n) => within(o.instancePath, `${e.instancePath}/${escapePointer(n)}`)),
    );
    if (explained) continue;
    const ilmd = errors.some(
      (o, j) => used.has(j) && !before.has(j) && o.keyword === 'not' && lastSegment(o.instancePath) === 'ilmd',
    );
    if (ilmd) add(`${e.instancePath}/ilmd`, 'ilmd (instance/lot master data) is only allowed when action is ADD');
    else add(e.instancePath, `needs ${reason}`);
  }
  errors.forEach((e, i) => {
    if (used.has(i)) return;
    if (e.keyword === 'additionalProperties') {
      const extra = String(e.params['additionalProperty']);
      const known =
        isSchema(e.parentSchema) && isSchema(e.parentSchema['properties'])
          ? Object.keys(e.parentSchema['properties'])
          : [];
      add(
        `${e.instancePath}/${escapePointer(extra)}`,
        `unknown property '${extra}'${known.length ? ` (allowed: ${known.join(', ')})` : ''}`,
      );
    } else {
      add(e.instancePath, simpleReason(e));
    }
  });
  const seen = new Set<string>();
  return issues.filter((x) => {
    const key = `${x.pointer}\u0000${x.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Issues ordered by where they are in the document (event 2 before event 10), otherwise as found. */
export function inDocumentOrder(issues: ValidationIssue[]): ValidationIssue[] {
  const indices = (p: string) =>
    p
      .split('/')
      .filter((x) => /^\d+$/.test(x))
      .map(Number);
  const keyed = issues.map((x) => ({ x, k: indices(x.pointer) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.k.length, b.k.length); i++) {
      const d = (a.k[i] as number) - (b.k[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  return keyed.map(({ x }) => x);
}
