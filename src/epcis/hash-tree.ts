/**
 * The event hash algorithm works on an XML-shaped tree, not on JSON: a node is
 * a name, a text value and child nodes, and JSON arrays become repeated
 * siblings. This module builds that tree from a JSON-LD event the way the
 * reference implementation (RalphTro/epcis-event-hash-generator, json_to_py.py
 * and json_xml_model_mismatch_correction.py) does, so that JSON and XML
 * serialisations of one event hash alike.
 *
 * Namespace prefixes need no JSON-LD processor: the hash only ever needs the IRI
 * a `prefix:` stands for, and that comes from the plain prefix maps in the
 * document's (and any nested) `@context`, over the prefixes the standard EPCIS
 * context defines.
 */

export interface HashNode {
  name: string;
  value: string;
  children: HashNode[];
  /** A (type, identifier) pair from bizTransactionList, sourceList or destinationList. */
  pair?: true;
}

export type PrefixMap = ReadonlyMap<string, string>;

/**
 * Prefixes of the standard EPCIS 2.0 context. cbvmda is written as its XML
 * namespace (no trailing colon) because the hash of an ILMD field must not
 * depend on whether the event was sent as XML or JSON-LD.
 */
const STANDARD_PREFIXES: PrefixMap = new Map([
  ['epcis', 'https://ref.gs1.org/epcis/'],
  ['cbv', 'https://ref.gs1.org/cbv/'],
  ['cbvmda', 'urn:epcglobal:cbv:mda'],
  ['gs1', 'https://gs1.org/voc/'],
  ['rdfs', 'http://www.w3.org/2000/01/rdf-schema#'],
  ['owl', 'http://www.w3.org/2002/07/owl#'],
  ['xsd', 'http://www.w3.org/2001/XMLSchema#'],
  ['dcterms', 'http://purl.org/dc/terms/'],
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The prefix map in force under `context` (a JSON-LD `@context` value): remote
 * context URLs contribute nothing beyond the standard prefixes; inline objects
 * add `prefix: IRI` entries (or `prefix: {"@id": IRI}`), later ones winning.
 */
export function prefixMapOf(context: unknown, base: PrefixMap = STANDARD_PREFIXES): PrefixMap {
  const entries = Array.isArray(context) ? context : [context];
  let map: Map<string, string> | null = null;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    for (const [k, v] of Object.entries(entry)) {
      if (k.startsWith('@')) continue;
      const iri = typeof v === 'string' ? v : isObject(v) && typeof v['@id'] === 'string' ? v['@id'] : null;
      if (iri === null) continue;
      map ??= new Map(base);
      map.set(k, iri);
    }
  }
  return map ?? base;
}

/** `prefix:local` to `{IRI}local` (the XML expanded-name form the hash uses for extension keys). */
function expandKey(key: string, prefixes: PrefixMap): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const ns = prefixes.get(key.slice(0, colon));
  return ns === undefined ? key : `{${ns}}${key.slice(colon + 1)}`;
}

/** Annotations are not part of an event's meaning (the reference skips them too). */
const IGNORED_KEYS = new Set(['#text', 'rdfs:comment', 'comment', '@context']);
/** Dicts holding these keep their key order: type must come before the identifier. */
const PAIR_KEYS = ['bizTransaction', 'source', 'destination'];
const PAIR_LISTS = new Set(['bizTransactionList', 'sourceList', 'destinationList']);

/** Python's ordering of (name, value, children) tuples, by code point, as the reference sorts siblings. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function compareNodes(a: HashNode, b: HashNode): number {
  const byName = compareCodePoints(a.name, b.name);
  if (byName !== 0) return byName;
  const byValue = compareCodePoints(a.value, b.value);
  if (byValue !== 0) return byValue;
  const n = Math.min(a.children.length, b.children.length);
  for (let i = 0; i < n; i++) {
    const c = compareNodes(a.children[i] as HashNode, b.children[i] as HashNode);
    if (c !== 0) return c;
  }
  return a.children.length - b.children.length;
}

/** Plain decimal digits for integers (JSON cannot tell 25 from 25.0; both hash as "25"). */
function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return '';
}

function toNode(json: unknown, prefixes: PrefixMap): HashNode {
  if (Array.isArray(json)) return { name: '', value: '', children: json.map((x) => toNode(x, prefixes)) };
  if (!isObject(json)) return { name: '', value: scalarText(json), children: [] };
  const scoped = json['@context'] === undefined ? prefixes : prefixMapOf(json['@context'], prefixes);
  const node: HashNode = { name: typeof json['type'] === 'string' ? json['type'] : '', value: '', children: [] };
  for (const [rawKey, val] of Object.entries(json)) {
    if (IGNORED_KEYS.has(rawKey) || rawKey.startsWith('@xmlns')) continue;
    const child = toNode(val, scoped);
    const key = expandKey(rawKey, scoped);
    if (Array.isArray(val)) {
      for (const el of child.children) node.children.push({ name: key, value: el.value, children: el.children });
    } else {
      node.children.push({ name: key, value: child.value, children: child.children });
    }
  }
  if (!PAIR_KEYS.some((k) => k in json)) node.children.sort(compareNodes);
  return node;
}

/** A pair with the type first (CBV 2.0 hash rule 13), whatever order the JSON had. */
function toPair(element: HashNode, idName: string): HashNode {
  const type = element.children.filter((c) => c.name === 'type');
  const id = element.children.filter((c) => c.name === idName);
  return { name: '', value: '', children: [...type, ...id], pair: true };
}

/** Renames that make the JSON tree look like the XML one (`inputEPC` → `epc`, …). */
function xmlName(node: HashNode): string {
  const n = node.name;
  if (n === 'inputEPC' || n === 'outputEPC') return 'epc';
  if (n === 'inputQuantity' || n === 'outputQuantity' || n === 'childQuantity') return 'quantityElement';
  if (n === 'quantity' && node.children.length > 0) return 'quantityElement';
  return n;
}

/**
 * JSON `fooList: [a, b]` becomes XML `<fooList><foo>a</foo><foo>b</foo></fooList>`,
 * and `childEPCs: [a]` becomes `<childEPCs><epc>a</epc></childEPCs>`, at every level.
 */
function toXmlShape(node: HashNode): HashNode {
  const rest: HashNode[] = [];
  const lists = new Map<string, HashNode[]>();
  for (const c of node.children) {
    if (!c.pair && c.name.endsWith('List')) {
      const items = lists.get(c.name) ?? [];
      items.push({ name: c.name.slice(0, -4), value: c.value, children: c.children });
      lists.set(c.name, items);
    } else {
      rest.push(c);
    }
  }
  for (const [name, items] of lists) {
    const children = PAIR_LISTS.has(name) ? items.map((e) => toPair(e, name.slice(0, -4))) : items;
    rest.push({ name, value: '', children });
  }
  const epcs = rest.filter((c) => c.name === 'childEPCs');
  let kids = rest;
  if (epcs.length > 0) {
    kids = rest.filter((c) => c.name !== 'childEPCs');
    kids.push({
      name: 'childEPCs',
      value: '',
      children: epcs.map((e) => ({ name: 'epc', value: e.value, children: [] })),
    });
  }
  const children = kids.map((c) => (PAIR_LISTS.has(c.name) ? c : toXmlShape(c)));
  return { name: xmlName({ ...node, children }), value: node.value, children };
}

/** The XML-shaped tree of one event; `prefixes` from the enclosing document's `@context`. */
export function eventTree(event: unknown, prefixes: PrefixMap): HashNode {
  return toXmlShape(toNode(event, prefixes));
}
