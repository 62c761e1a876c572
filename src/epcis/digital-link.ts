/**
 * GS1 identifiers to constrained canonical GS1 Digital Link URIs (CBV 2.0 event
 * hash rules 17 and 18): EPC URIs, EPC class and pattern URIs, and Digital Link
 * URIs on any domain all become `https://id.gs1.org/<AI>/<key>…` at the finest
 * level of identification, so one object hashes the same however it was named.
 *
 * Follows the reference normaliser of RalphTro/epcis-event-hash-generator
 * (dl_normaliser.py, MIT) step by step, quirks included: the point is to produce
 * the same hash as other implementations, not a better URI.
 */

import { gs1CheckDigit } from '../statements/gs1.js';

export { gs1CheckDigit };

/** One character of an EPC URI component: a safe character or a %-escape of one. */
const C =
  "(?:%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])";
/** One character of a CPI component. */
const P = '(?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])';

/** GS1 Digital Link table 7-1: characters that must be %-encoded in a path component. */
function encode(s: string): string {
  if (!/[!()*+,:]/.test(s)) return s;
  return s
    .replaceAll('!', '%21')
    .replaceAll('(', '%28')
    .replaceAll(')', '%29')
    .replaceAll('*', '%2A')
    .replaceAll('+', '%2B')
    .replaceAll(',', '%2C')
    .replaceAll(':', '%3A');
}

/** Characters of an EPC component, counting a %-escape as one. */
function charCount(s: string): number {
  return s.match(/%[0-9A-Fa-f]{2}|./g)?.length ?? 0;
}

const withCd = (key: string) => key + gs1CheckDigit(key);
/** The GTIN-14 of an SGTIN-style company prefix + indicator/item reference. */
const gtin = (cp: string, ref: string) => withCd(ref.slice(0, 1) + cp + ref.slice(1));

interface Scheme {
  re: RegExp;
  /** Total digits of company prefix + reference the scheme requires (null: no fixed total). */
  total: number | null;
  /** Most characters of company prefix + the free-text part, where the scheme limits them. */
  maxChars?: number;
  build(g: Groups): string;
}

/** The whole match, then capture groups 1–5 ('' where a scheme has fewer). */
type Groups = [string, string, string, string, string, string];

const DL = 'https://id.gs1.org';
const scheme = (re: string, total: number | null, build: Scheme['build'], maxChars?: number): Scheme =>
  maxChars === undefined
    ? { re: new RegExp(`^${re}$`), total, build }
    : { re: new RegExp(`^${re}$`), total, build, maxChars };

// Capture groups: 1 = company prefix, 2 = reference (or free text), then the rest.
const SCHEMES: Scheme[] = [
  scheme(
    `urn:epc:id:sgtin:(\\d{6,12})\\.(\\d+)\\.(${C}{1,20})`,
    13,
    (g) => `${DL}/01/${gtin(g[1], g[2])}/21/${encode(g[3])}`,
  ),
  scheme(
    'urn:epc:id:sscc:(\\d{6,12})\\.(\\d+)',
    17,
    (g) => `${DL}/00/${withCd(g[2].slice(0, 1) + g[1] + g[2].slice(1))}`,
  ),
  scheme(`urn:epc:id:sgln:(\\d{6,12})\\.(\\d*)\\.(${C}{1,20})`, 12, (g) =>
    g[3] === '0'
      ? `${DL}/414/${withCd(`${g[1]}${g[2]}`)}`
      : `${DL}/414/${withCd(`${g[1]}${g[2]}`)}/254/${encode(g[3])}`,
  ),
  scheme(
    `urn:epc:id:grai:(\\d{6,12})\\.(\\d*)\\.(${C}{1,16})`,
    12,
    (g) => `${DL}/8003/${withCd(`0${g[1]}${g[2]}`)}${encode(g[3])}`,
  ),
  scheme(`urn:epc:id:giai:(\\d{6,12})\\.(${C}+)`, null, (g) => `${DL}/8004/${g[1]}${encode(g[2])}`, 30),
  scheme('urn:epc:id:gsrn:(\\d{6,12})\\.(\\d+)', 17, (g) => `${DL}/8018/${withCd(`${g[1]}${g[2]}`)}`),
  scheme('urn:epc:id:gsrnp:(\\d{6,12})\\.(\\d+)', 17, (g) => `${DL}/8017/${withCd(`${g[1]}${g[2]}`)}`),
  scheme(
    `urn:epc:id:gdti:(\\d{6,12})\\.(\\d*)\\.(${C}{0,17})`,
    12,
    (g) => `${DL}/253/${withCd(`${g[1]}${g[2]}`)}${encode(g[3])}`,
  ),
  scheme(
    `urn:epc:id:cpi:(\\d{6,12})\\.(${P}+)\\.(\\d{1,12})`,
    null,
    (g) => `${DL}/8010/${encode(`${g[1]}${g[2]}`)}/8011/${g[3]}`,
    30,
  ),
  scheme(
    'urn:epc:id:sgcn:(\\d{6,12})\\.(\\d*)\\.(\\d{1,12})',
    12,
    (g) => `${DL}/255/${withCd(`${g[1]}${g[2]}`)}${g[3]}`,
  ),
  scheme(`urn:epc:id:ginc:(\\d{6,12})\\.(${C}+)`, null, (g) => `${DL}/401/${g[1]}${encode(g[2])}`, 30),
  scheme('urn:epc:id:gsin:(\\d{6,12})\\.(\\d+)', 16, (g) => `${DL}/402/${withCd(`${g[1]}${g[2]}`)}`),
  scheme(
    `urn:epc:id:itip:(\\d{6,12})\\.(\\d+)\\.(\\d{2})\\.(\\d{2})\\.(${C}{1,20})`,
    13,
    (g) => `${DL}/8006/${gtin(g[1], g[2])}${g[3]}${g[4]}/21/${encode(g[5])}`,
  ),
  scheme(
    `urn:epc:id:upui:(\\d{6,12})\\.(\\d+)\\.(${C}{1,28})`,
    13,
    (g) => `${DL}/01/${gtin(g[1], g[2])}/235/${encode(g[3])}`,
  ),
  scheme('urn:epc:id:pgln:(\\d{6,12})\\.(\\d*)', 12, (g) => `${DL}/417/${withCd(`${g[1]}${g[2]}`)}`),
  scheme(
    `urn:epc:class:lgtin:(\\d{6,12})\\.(\\d+)\\.(${C}{1,20})`,
    13,
    (g) => `${DL}/01/${gtin(g[1], g[2])}/10/${encode(g[3])}`,
  ),
  scheme('urn:epc:idpat:sgtin:(\\d{6,12})\\.(\\d+)\\.\\*', 13, (g) => `${DL}/01/${gtin(g[1], g[2])}`),
  scheme('urn:epc:idpat:grai:(\\d{6,12})\\.(\\d*)\\.\\*', 12, (g) => `${DL}/8003/${withCd(`0${g[1]}${g[2]}`)}`),
  scheme('urn:epc:idpat:gdti:(\\d{6,12})\\.(\\d*)\\.\\*', 12, (g) => `${DL}/253/${withCd(`${g[1]}${g[2]}`)}`),
  scheme('urn:epc:idpat:sgcn:(\\d{6,12})\\.(\\d*)\\.\\*', 12, (g) => `${DL}/255/${withCd(`${g[1]}${g[2]}`)}`),
  scheme(`urn:epc:idpat:cpi:(\\d{6,12})\\.(${P}+)\\.\\*`, null, (g) => `${DL}/8010/${encode(`${g[1]}${g[2]}`)}`, 30),
  scheme(
    'urn:epc:idpat:itip:(\\d{6,12})\\.(\\d+)\\.(\\d{2})\\.(\\d{2})\\.\\*',
    13,
    (g) => `${DL}/8006/${gtin(g[1], g[2])}${g[3]}${g[4]}`,
  ),
  scheme('urn:epc:idpat:upui:(\\d{6,12})\\.(\\d+)\\.\\*', 13, (g) => `${DL}/01/${gtin(g[1], g[2])}`),
];

function fromEpcUri(uri: string): string | null {
  for (const s of SCHEMES) {
    const m = s.re.exec(uri);
    if (!m) continue;
    const g = Array.from({ length: 6 }, (_, i) => m[i] ?? '') as Groups;
    const [, cp, ref] = g;
    if (s.total !== null && cp.length + ref.length !== s.total) return null;
    if (s.maxChars !== undefined && cp.length + charCount(ref) > s.maxChars) return null;
    // An SGTIN-style reference starts with the indicator digit, so it is never empty.
    if (s.total === 13 && ref.length === 0) return null;
    return s.build(g);
  }
  return null;
}

/**
 * The reference's first test, simplified to what it decides: an http(s) URI whose path (before any
 * query or fragment) has a GS1 key segment followed by at least four digits and one more character.
 */
const ANY_DL =
  /^https?:[^?#]*\/(01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)\/\d{4}[^/]/;
/** Already on id.gs1.org with a primary key (the reference's test, simplified likewise). */
const CANONICAL_DOMAIN =
  /^https:\/\/id.gs1.org\/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)\/\d{4}[^/]/;
const SHORT_NAMES: [string, string][] = [
  ['/gtin/', '/01/'],
  ['/itip/', '/8006/'],
  ['/cpid/', '/8010/'],
  ['/gln/', '/414/'],
  ['/party/', '/417/'],
  ['/gsrnp/', '/8017/'],
  ['/gsrn/', '/8018/'],
  ['/gcn/', '/255/'],
  ['/sscc/', '/00/'],
  ['/gdti/', '/253/'],
  ['/ginc/', '/401/'],
  ['/gsin/', '/402/'],
  ['/grai/', '/8003/'],
  ['/giai/', '/8004/'],
  ['/cpv/', '/22/'],
  ['/lot/', '/10/'],
  ['/ser/', '/21/'],
];
/** Primary keys in the order the reference looks for them when moving a URI to id.gs1.org. */
const KEY_ORDER = [
  '/00/',
  '/01/',
  '/253/',
  '/255/',
  '/401/',
  '/402/',
  '/414/',
  '/417/',
  '/8003/',
  '/8004/',
  '/8006/',
  '/8010/',
  '/8017/',
  '/8018/',
];
/** GS1 AI 82 character set, the characters Digital Link path components may hold unencoded. */
const X = '[\\x22\\x27\\x2D\\x2E\\x30-\\x39\\x3B-\\x3F\\x41-\\x5A\\x5F\\x61-\\x7A]';
const XS = '[\\x2F\\x22\\x27\\x2D\\x2E\\x30-\\x39\\x3B-\\x3F\\x41-\\x5A\\x5F\\x61-\\x7A]';
const CPV_LAST = [
  new RegExp(`^https://id.gs1.org/8006/\\d{18}/22/(${X}{0,20})$`),
  new RegExp(`^https://id.gs1.org/01/\\d{14}/22/(${X}{0,20})$`),
];
const CPV_INNER = [
  new RegExp(`^https://id.gs1.org/8006/\\d{18}/22/(${XS}{0,20})$`),
  new RegExp(`^https://id.gs1.org/01/\\d{14}/22/(${XS}{0,20})$`),
];
const LOT_AND_SERIAL = [
  new RegExp(`^https://id.gs1.org/8006/\\d{18}/10/(${X}{0,20})/21/(${X}{0,20})$`),
  new RegExp(`^https://id.gs1.org/01/(\\d{14})/10/(${X}{0,20})/21/(${X}{0,20})$`),
];
const VALID = [
  '00/\\d{18}',
  `01/\\d{14}/21/${X}{0,20}`,
  `01/\\d{14}/10/${X}{0,20}`,
  '01/\\d{14}',
  `01/\\d{14}/235/${X}{0,28}`,
  `253/\\d{13}${X}{0,17}`,
  '255/\\d{13}\\d{0,12}',
  `401/${X}{0,30}`,
  '402/\\d{17}',
  '414/\\d{13}',
  `414/\\d{13}/254/${X}{0,20}`,
  '417/\\d{13}',
  `8003/\\d{14}${X}{0,16}`,
  `8004/${X}{0,30}`,
  `8006/\\d{18}/21/${X}{0,20}`,
  `8006/\\d{18}/10/${X}{0,20}`,
  '8006/\\d{18}',
  '8010/[\\x23\\x2D\\x2F\\x30-\\x39\\x41-\\x5A]{0,30}/8011/\\d{0,12}',
  '8010/[\\x23\\x2D\\x2F\\x30-\\x39\\x41-\\x5A]{0,30}',
  '8017/\\d{18}',
  '8018/\\d{18}',
].map((p) => new RegExp(`^https://id.gs1.org/${p}$`));

function fromDigitalLink(input: string): string | null {
  if (!ANY_DL.test(input)) return null;
  let uri = input.includes('?') ? input.slice(0, input.indexOf('?')) : input;
  for (const [from, to] of SHORT_NAMES) uri = uri.replaceAll(from, to);
  if (!CANONICAL_DOMAIN.test(uri)) {
    const key = KEY_ORDER.find((k) => uri.includes(k));
    if (key !== undefined) uri = DL + uri.slice(uri.indexOf(key));
  }
  if (!/^https:\/\/id.gs1.org\/01\/\d{14}/.test(uri)) {
    if (/^https:\/\/id.gs1.org\/01\/\d{13}/.test(uri)) uri = uri.replaceAll('/01/', '/01/0');
    else if (/^https:\/\/id.gs1.org\/01\/\d{12}/.test(uri)) uri = uri.replaceAll('/01/', '/01/00');
    else if (/^https:\/\/id.gs1.org\/01\/\d{8}/.test(uri)) uri = uri.replaceAll('/01/', '/01/000000');
  }
  // Drop the consumer product variant (AI 22): it is not part of the identity.
  if (CPV_LAST.some((re) => re.test(uri))) uri = uri.slice(0, uri.indexOf('/22/'));
  if (CPV_INNER.some((re) => re.test(uri))) {
    const after = uri.slice(uri.indexOf('/22/') + 4);
    uri = uri.slice(0, uri.indexOf('/22/')) + after.slice(after.indexOf('/'));
  }
  // A serial identifies one instance: the lot above it is redundant.
  if (LOT_AND_SERIAL.some((re) => re.test(uri))) {
    const after = uri.slice(uri.indexOf('/10/') + 4);
    uri = uri.slice(0, uri.indexOf('/10/')) + after.slice(after.indexOf('/'));
  }
  return VALID.some((re) => re.test(uri)) ? uri : null;
}

/**
 * The constrained canonical GS1 Digital Link URI of a value that names a GS1
 * key (EPC URI, EPC class or pattern URI, Digital Link URI), or null when it
 * does not name one.
 */
export function canonicalDigitalLink(value: string): string | null {
  if (!value.includes('.')) return null;
  if (value.startsWith('urn:epc:')) return fromEpcUri(value);
  return fromDigitalLink(value);
}
