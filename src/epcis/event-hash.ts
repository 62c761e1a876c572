/**
 * The CBV 2.0 EPCIS event hash ID (GS1 CBV 2.0 section 8.9): a pre-hash string
 * built from the event's fields in a canonical order with canonical values,
 * hashed with SHA-256 into `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920).
 *
 * Matches the 2026 reference vectors of RalphTro/epcis-event-hash-generator for
 * CBV 2.0 line by line. Where the reference's CBV 2.0 and 2.1 profiles differ
 * (the `sensorElementList` label; where extensions inside standard fields go),
 * this is CBV 2.0, and the version is pinned in the ID so that a later profile
 * can never be confused with it.
 */
import { toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { canonicalDigitalLink } from './digital-link.js';
import { compareCodePoints, eventTree, type HashNode, prefixMapOf } from './hash-tree.js';
import { formatUtcMillis, parseTimestamp } from './timestamps.js';
import {
  CBV_BIZ_TRANSACTION_TYPES,
  CBV_BIZSTEPS,
  CBV_COMPONENTS,
  CBV_DISPOSITIONS,
  CBV_SOURCE_DEST_TYPES,
  GS1_MEASUREMENT_TYPES,
  GS1_SENSOR_ALERT_TYPES,
} from './vocabulary.js';

/** The hash algorithm version every ID and stored hash carries. */
export const EVENT_HASH_VERSION = 'CBV2.0';

/** Bare standard words expand to the CBV / GS1 Web Vocabulary URI they stand for (hash rule 16). */
interface Vocab {
  base: string;
  words: ReadonlySet<string>;
}
const vocab = (base: string, words: readonly string[]): Vocab => ({ base, words: new Set(words) });
const CBV = 'https://ref.gs1.org/cbv/';
const GS1_VOC = 'https://ref.gs1.org/voc/';
const BIZSTEP = vocab(`${CBV}BizStep-`, CBV_BIZSTEPS);
const DISP = vocab(`${CBV}Disp-`, CBV_DISPOSITIONS);

interface Field {
  name: string;
  sub?: Field[];
  vocab?: Vocab;
  /** For the (type, identifier) lists: the vocabulary of `type`. */
  pairType?: Vocab;
}
const leaf = (name: string, v?: Vocab): Field => (v === undefined ? { name } : { name, vocab: v });
const leaves = (names: string): Field[] => names.split(' ').map((n) => leaf(n));
const QUANTITY: Field[] = [{ name: 'quantityElement', sub: leaves('epcClass quantity uom') }];
const EPCS: Field[] = [leaf('epc')];

/** CBV 2.0 section 8.9 canonical property order. */
const ORDER: Field[] = [
  leaf('eventTime'),
  leaf('eventTimeZoneOffset'),
  { name: 'epcList', sub: EPCS },
  leaf('parentID'),
  { name: 'inputEPCList', sub: EPCS },
  { name: 'childEPCs', sub: EPCS },
  { name: 'quantityList', sub: QUANTITY },
  { name: 'childQuantityList', sub: QUANTITY },
  { name: 'inputQuantityList', sub: QUANTITY },
  { name: 'outputEPCList', sub: EPCS },
  { name: 'outputQuantityList', sub: QUANTITY },
  leaf('action'),
  leaf('transformationID'),
  leaf('bizStep', BIZSTEP),
  leaf('disposition', DISP),
  { name: 'persistentDisposition', sub: [leaf('set', DISP), leaf('unset', DISP)] },
  { name: 'readPoint', sub: [leaf('id')] },
  { name: 'bizLocation', sub: [leaf('id')] },
  { name: 'bizTransactionList', pairType: vocab(`${CBV}BTT-`, CBV_BIZ_TRANSACTION_TYPES) },
  { name: 'sourceList', pairType: vocab(`${CBV}SDT-`, CBV_SOURCE_DEST_TYPES) },
  { name: 'destinationList', pairType: vocab(`${CBV}SDT-`, CBV_SOURCE_DEST_TYPES) },
  {
    name: 'sensorElementList',
    sub: [
      {
        name: 'sensorElement',
        sub: [
          {
            name: 'sensorMetadata',
            sub: leaves('time startTime endTime deviceID deviceMetadata rawData dataProcessingMethod bizRules'),
          },
          {
            name: 'sensorReport',
            sub: [
              leaf('type', vocab(GS1_VOC, GS1_MEASUREMENT_TYPES)),
              leaf('exception', vocab(GS1_VOC, GS1_SENSOR_ALERT_TYPES)),
              ...leaves(
                'deviceID deviceMetadata rawData dataProcessingMethod time microorganism chemicalSubstance value',
              ),
              leaf('component', vocab(`${CBV}Comp-`, CBV_COMPONENTS)),
              ...leaves(
                'stringValue booleanValue hexBinaryValue uriValue minValue maxValue meanValue sDev percRank percValue uom coordinateReferenceSystem',
              ),
            ],
          },
        ],
      },
    ],
  },
];

/** Never hashed: type is the eventType already; the rest record or correct the event rather than describe it. */
const EXCLUDED = new Set(['type', 'eventID', 'recordTime', 'errorDeclaration', 'certificationInfo']);

function expandVocab(value: string, v: Vocab | undefined): string {
  if (v === undefined) return value;
  if (v.words.has(value)) return v.base + value;
  if (value.startsWith('cbv:')) return CBV + value.slice(4);
  if (value.startsWith('gs1:')) return GS1_VOC + value.slice(4);
  return value;
}

const LEGACY_CBV: [string, string][] = [
  ['urn:epcglobal:cbv:bizstep:', `${CBV}BizStep-`],
  ['urn:epcglobal:cbv:disp:', `${CBV}Disp-`],
  ['urn:epcglobal:cbv:btt:', `${CBV}BTT-`],
  ['urn:epcglobal:cbv:sdt:', `${CBV}SDT-`],
  ['urn:epcglobal:cbv:er:', `${CBV}ER-`],
];
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A numeric string as Python's Decimal prints it in the reference (hash rule 6):
 * integral values without fraction, others without trailing zeros.
 */
export function canonicalNumber(text: string): string | null {
  if (!/^[-+.\d]/.test(text)) return null;
  const m = DECIMAL.exec(text.includes('_') ? text.replaceAll(/(?<=\d)_(?=\d)/g, '') : text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const sign = m[1] === '-' ? '-' : '';
  const frac = m[3] ?? '';
  let digits = ((m[2] ?? '') + frac).replace(/^0+(?=\d)/, '');
  let exp = Number(m[4] ?? '0') - frac.length;
  if (exp >= 0) {
    // Already integral; Decimal keeps a positive exponent in scientific notation.
    if (exp === 0) return sign + digits;
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}E+${exp + digits.length - 1}`;
  }
  while (exp < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exp++;
  }
  if (exp === 0) return sign + (digits === '' ? '0' : digits);
  const padded = digits.padStart(-exp + 1, '0');
  return `${sign}${padded.slice(0, exp)}.${padded.slice(exp)}`;
}

/** Hash rules 14, 6, 17 and 18: legacy CBV URNs, numbers, GS1 identifiers. */
function canonicalValue(text: string): string {
  let t = text;
  if (t.includes('urn:epcglobal:cbv:')) for (const [from, to] of LEGACY_CBV) t = t.replaceAll(from, to);
  t = canonicalNumber(t) ?? t;
  return canonicalDigitalLink(t) ?? t;
}

/** Hash rules 8 and 9: UTC, millisecond precision. Unparseable text is hashed as it is. */
function canonicalTime(text: string): string {
  const p = parseTimestamp(text);
  return p === null ? text : formatUtcMillis(p.epochMs);
}

const isTimeField = (name: string) => {
  const n = name.toLowerCase();
  return n.includes('time') && !n.includes('offset');
};
/** The reference tells an extension by its expanded name: `{namespace/}local`. */
const isExtension = (name: string) => name.includes('{') && name.includes('/}');
const sorted = (xs: string[]) => xs.sort(compareCodePoints);

/** Everything the canonical order does not name: key=value, children after, siblings sorted. */
function generic(nodes: HashNode[]): string {
  const parts = nodes.map((n) => {
    if (n.pair) return generic(n.children);
    const t = n.value.trim();
    return n.name + (t ? `=${canonicalValue(t)}` : '') + generic(n.children);
  });
  const keepOrder = nodes.some((n) => n.name === 'bizTransaction' || n.name === 'source' || n.name === 'destination');
  return (nodes.length > 1 && !keepOrder ? sorted(parts) : parts).join('');
}

function pairs(nodes: HashNode[], typeVocab: Vocab): string {
  const parts = nodes.map((p) =>
    p.children
      .map((c) => {
        const t = c.value.trim();
        const v = c.name === 'type' ? expandVocab(t, typeVocab) : t;
        return c.name + (v ? `=${canonicalValue(v)}` : '');
      })
      .join(''),
  );
  return sorted(parts).join('');
}

function fieldText(node: HashNode, field: Field): string {
  let sub = '';
  if (field.pairType !== undefined) {
    sub = pairs(node.children, field.pairType);
    node.children = [];
  } else if (field.sub !== undefined) {
    sub = inOrder(node.children, field.sub);
  }
  let text = node.value.trim();
  if (text) text = `=${isTimeField(node.name) ? canonicalTime(text) : canonicalValue(expandVocab(text, field.vocab))}`;
  if (!text && !sub) return '';
  // CBV 2.0 has no sensorElementList label; CBV 2.1 adds it.
  return (node.name === 'sensorElementList' ? '' : node.name) + text + sub;
}

/** The standard fields of `nodes` in canonical order; consumed nodes are removed from `nodes`. */
function inOrder(nodes: HashNode[], order: Field[]): string {
  const byName = new Map<string, HashNode[]>();
  for (const n of nodes) {
    const group = byName.get(n.name);
    if (group === undefined) byName.set(n.name, [n]);
    else group.push(n);
  }
  const consumed = new Set<HashNode>();
  let out = '';
  for (const field of order) {
    const group = byName.get(field.name);
    if (group === undefined) continue;
    const values: string[] = [];
    for (const node of group) {
      const s = fieldText(node, field);
      if (s) values.push(s);
      if (node.children.length === 0) consumed.add(node);
    }
    out += (values.length > 1 ? sorted(values) : values).join('');
  }
  if (consumed.size > 0) {
    let kept = 0;
    for (const n of nodes) if (!consumed.has(n)) nodes[kept++] = n;
    nodes.length = kept;
  }
  return out;
}

/** CBV 2.0: extensions left inside standard fields, prefixed by the path of field names to them. */
function fieldExtensions(nodes: HashNode[], order: Field[]): string {
  const parts: string[] = [];
  for (const field of order) {
    if (field.sub === undefined) continue;
    for (const node of nodes.filter((n) => n.name === field.name)) {
      const inner = fieldExtensions(node.children, field.sub);
      if (inner) parts.push((field.name === 'sensorElementList' ? '' : field.name) + inner);
    }
  }
  const direct = nodes.filter((n) => isExtension(n.name));
  if (direct.length > 0) parts.push(generic(direct));
  return parts.join('');
}

/**
 * The CBV 2.0 pre-hash string of one EPCIS event. `context` is the `@context`
 * of the document the event came in: it says what namespace each `prefix:` of
 * an extension field stands for.
 */
export function eventPreHash(event: unknown, context: unknown): string {
  const tree = eventTree(event, prefixMapOf(context));
  const nodes = tree.children;
  const standard = inOrder(nodes, ORDER);
  const ilmd = nodes.filter((n) => n.name === 'ilmd');
  const trailing: string[] = [];
  if (ilmd.length > 0) trailing.push(generic(ilmd));
  const rest = nodes.filter((n) => n.name !== 'ilmd');
  for (const field of ORDER) {
    if (field.sub === undefined && field.pairType === undefined) continue;
    for (const node of rest.filter((n) => n.name === field.name)) {
      const inner = fieldExtensions(node.children, field.sub ?? []);
      if (!inner) continue;
      trailing.push((field.name === 'sensorElementList' ? '' : field.name) + inner);
      rest.splice(rest.indexOf(node), 1);
    }
  }
  const eventLevel = rest.filter((n) => !EXCLUDED.has(n.name));
  if (eventLevel.length > 0) trailing.push(generic(eventLevel));
  return `eventType=${tree.name}${standard}${trailing.join('')}`;
}

/** `ni:///sha-256;<hex>?ver=CBV2.0` of an event's pre-hash string. */
export function eventHashIdFromPreHash(preHash: string): string {
  return `ni:///sha-256;${toHex(sha256(utf8(preHash)))}?ver=${EVENT_HASH_VERSION}`;
}

/** The CBV 2.0 event hash ID of one EPCIS event of a document with this `@context`. */
export function eventHashId(event: unknown, context: unknown): string {
  return eventHashIdFromPreHash(eventPreHash(event, context));
}
