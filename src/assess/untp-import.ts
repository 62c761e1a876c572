/** Import of a UNTP Digital Product Passport as a passport (see untp.ts). */
import { isMatterlogError, MatterlogError } from '../ledger/errors.js';
import { digitalLinkGtin, normaliseGtin } from '../statements/gs1.js';
import { MATERIALS } from './materials.js';
import { checkPassport, type PassportBody, type PassportComponent, tidy } from './passport.js';
import {
  COMPONENT_EXT,
  EU_PACKAGING_MATERIAL_CODES,
  GS1_GTIN_SCHEME,
  type Issue,
  isObject,
  type Json,
  MASS_UNITS,
  MATERIAL_NAMES,
  MATTERLOG_MATERIAL_SCHEME,
  PASSPORT_EXT,
} from './untp-vocabulary.js';

const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');
const BY_NAME = new Map<string, string>([
  ...MATERIALS.map((m) => [norm(m.id), m.id] as const),
  ...MATERIALS.map((m) => [norm(m.name), m.id] as const),
  ...Object.entries(MATERIAL_NAMES),
]);

const isEuPackagingScheme = (t: Json): boolean =>
  /(?:^|\D)(?:19)?97\/129(?:\D|$)|31997D0129/i.test(`${t['schemeID'] ?? ''} ${t['schemeName'] ?? ''}`);

/** The catalog material a UNTP material names, where the mapping tables know it. */
function mapMaterial(m: Json): string | undefined {
  const t = m['materialType'];
  if (isObject(t)) {
    if (isEuPackagingScheme(t) && typeof t['code'] === 'string') {
      const n = /\d+/.exec(t['code']);
      const hit = n ? EU_PACKAGING_MATERIAL_CODES[String(Number(n[0]))] : undefined;
      if (hit) return hit;
    }
    if (typeof t['name'] === 'string' && BY_NAME.has(norm(t['name']))) return BY_NAME.get(norm(t['name']));
  }
  return typeof m['name'] === 'string' ? BY_NAME.get(norm(m['name'])) : undefined;
}

function kilograms(measure: unknown, at: string, issues: Issue[]): number | undefined {
  if (!isObject(measure)) {
    issues.push({ pointer: at, reason: 'must be a measure {"value": …, "unit": "KGM"}' });
    return undefined;
  }
  const { value, unit } = measure;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push({ pointer: `${at}/value`, reason: `must be a number, not ${JSON.stringify(value)}` });
    return undefined;
  }
  const convert = typeof unit === 'string' ? MASS_UNITS[unit] : undefined;
  if (!convert) {
    issues.push({
      pointer: `${at}/unit`,
      reason: `must be a UN/ECE Rec 20 mass unit matterlog converts (${Object.keys(MASS_UNITS).join(', ')}), not ${JSON.stringify(unit)}`,
    });
    return undefined;
  }
  return unit === 'KGM' ? value : tidy(convert(value));
}

const PASSPORT_EXT_KEYS = [
  'version',
  'replaces',
  'massTolerance',
  'joins',
  'lifetimeYears',
  'averageLifetimeYears',
  'useIntensityRatio',
  'product',
];
const COMPONENT_EXT_KEYS = ['id', 'material', 'features'];

function extensionOf(holder: Json, key: string, at: string, known: string[], issues: Issue[]): Json | undefined {
  const ext = holder[key];
  if (ext === undefined) return undefined;
  if (!isObject(ext)) {
    issues.push({ pointer: `${at}/${key}`, reason: 'must be an object' });
    return undefined;
  }
  for (const k of Object.keys(ext)) {
    if (!known.includes(k))
      issues.push({ pointer: `${at}/${key}/${k}`, reason: `is not a member of ${key} (${known.join(', ')})` });
  }
  return ext;
}

/** The GTIN a UNTP product names: by its Digital Link id, or by a GTIN registered in the GS1 scheme. */
function untpGtin(product: Json): { gtin: string; link: string | undefined } | undefined {
  if (typeof product['id'] === 'string') {
    const gtin = digitalLinkGtin(product['id']);
    if (gtin) return { gtin, link: product['id'] };
  }
  const scheme = product['idScheme'];
  if (isObject(scheme) && scheme['id'] === GS1_GTIN_SCHEME && typeof product['registeredId'] === 'string') {
    const gtin = normaliseGtin(product['registeredId']);
    if (gtin) return { gtin, link: undefined };
  }
  return undefined;
}

function refuse(what: string, issues: Issue[]): never {
  const shown = issues.slice(0, 3).map((x) => `${x.pointer || '/'}: ${x.reason}`);
  throw new MatterlogError(
    'invalid_input',
    `${what} (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown.join('; ')}${issues.length > 3 ? '; …' : ''}`,
    { details: { errors: issues } },
  );
}

const S = '/credentialSubject';
const E = `${S}/${PASSPORT_EXT}`;

/** What an import collects: the problems, and where each part of the passport came from in the document. */
interface Reading {
  issues: Issue[];
  /** Passport pointer → document pointer, for the problems checkPassport finds. */
  sources: Map<string, string>;
}

/** The product: its GTIN from the UNTP product; its form (gtin or Digital Link) from the extension, if any. */
function readProduct(product: unknown, ext: Json | undefined, r: Reading): PassportBody['product'] {
  if (!isObject(product)) {
    r.issues.push({ pointer: `${S}/product`, reason: 'is missing: matterlog needs the product and its GTIN' });
    return {};
  }
  let body: PassportBody['product'] = {};
  const named = untpGtin(product);
  if (!named) {
    r.issues.push({
      pointer: `${S}/product/id`,
      reason: `must be a GS1 Digital Link (${GS1_GTIN_SCHEME}<GTIN>…), or registeredId a GTIN with idScheme ${GS1_GTIN_SCHEME}: matterlog keys passports by GTIN`,
    });
  } else body = named.link ? { digitalLink: named.link } : { gtin: named.gtin };
  r.sources.set('/product', `${S}/product/id`);

  const own = ext?.['product'];
  if (own !== undefined) {
    if (!isObject(own)) r.issues.push({ pointer: `${E}/product`, reason: 'must be an object' });
    else {
      const ownGtin =
        typeof own['gtin'] === 'string'
          ? normaliseGtin(own['gtin'])
          : typeof own['digitalLink'] === 'string'
            ? digitalLinkGtin(own['digitalLink'])
            : null;
      if (named && ownGtin && ownGtin !== named.gtin) {
        r.issues.push({
          pointer: `${E}/product`,
          reason: `names GTIN ${ownGtin}, but the UNTP product is GTIN ${named.gtin}`,
        });
      }
      body = {};
      if (own['gtin'] !== undefined) body.gtin = own['gtin'] as string;
      if (own['digitalLink'] !== undefined) body.digitalLink = own['digitalLink'] as string;
      r.sources.set('/product', `${E}/product`);
    }
  }
  // The export names an unnamed product "GTIN <gtin>"; its extension then says it had no name.
  const name = product['name'];
  const unnamed = isObject(own) && own['name'] === undefined && name === `GTIN ${named?.gtin}`;
  if (typeof name === 'string' && !unnamed) body.name = name;
  r.sources.set('/product/name', `${S}/product/name`);
  return body;
}

/** Which catalog material: matterlog's own scheme, else the extension, else the mapping tables. */
function readMaterialId(m: Json, cext: Json | undefined, at: string, c: string, r: Reading): string | undefined {
  const t = m['materialType'];
  const stated = cext?.['material'];
  const X = `${at}/${COMPONENT_EXT}`;
  if (isObject(t) && t['schemeID'] === MATTERLOG_MATERIAL_SCHEME) {
    const code =
      typeof t['code'] === 'string'
        ? t['code']
        : typeof t['id'] === 'string'
          ? t['id'].slice(MATTERLOG_MATERIAL_SCHEME.length)
          : undefined;
    r.sources.set(`${c}/material`, `${at}/materialType/code`);
    if (code === undefined) {
      r.issues.push({ pointer: `${at}/materialType/code`, reason: 'is missing: it is the catalog id of the material' });
    } else if (stated !== undefined && stated !== code) {
      r.issues.push({
        pointer: `${X}/material`,
        reason: `says ${JSON.stringify(stated)}, but materialType says ${JSON.stringify(code)}`,
      });
    }
    return code;
  }
  if (stated !== undefined) {
    r.sources.set(`${c}/material`, `${X}/material`);
    return typeof stated === 'string' ? stated : JSON.stringify(stated);
  }
  const where = isObject(t) ? `${at}/materialType` : `${at}/name`;
  r.sources.set(`${c}/material`, where);
  const id = mapMaterial(m);
  if (!id) {
    const said = (isObject(t) ? [t['schemeName'] ?? t['schemeID'], t['code'], t['name']] : [m['name']])
      .filter((x) => x !== undefined)
      .map((x) => JSON.stringify(x))
      .join(' ');
    r.issues.push({
      pointer: where,
      reason: `${said || 'a material without a name'} does not map to a catalog material; name one with "${COMPONENT_EXT}": {"material": "<catalog id>"} ("matterlog catalog" lists them)`,
    });
  }
  return id;
}

/** One UNTP material as a component, or undefined when it cannot be read. */
function readMaterial(
  m: unknown,
  i: number,
  weightKg: number | undefined,
  ids: Map<string, number>,
  r: Reading,
): PassportComponent | undefined {
  const at = `${S}/materialsProvenance/${i}`;
  const c = `/components/${i}`;
  r.sources.set(c, at);
  if (!isObject(m)) {
    r.issues.push({ pointer: at, reason: 'must be a Material object' });
    return undefined;
  }
  const cext = extensionOf(m, COMPONENT_EXT, at, COMPONENT_EXT_KEYS, r.issues);
  const X = `${at}/${COMPONENT_EXT}`;
  const materialId = readMaterialId(m, cext, at, c, r);

  // Its mass: stated, or its mass fraction of the product's weight.
  let massKg: number | undefined;
  if (m['mass'] !== undefined) {
    massKg = kilograms(m['mass'], `${at}/mass`, r.issues);
    r.sources.set(`${c}/massKg`, `${at}/mass/value`);
  } else if (typeof m['massFraction'] === 'number' && weightKg !== undefined) {
    massKg = tidy(m['massFraction'] * weightKg);
    r.sources.set(`${c}/massKg`, `${at}/massFraction`);
  } else {
    r.issues.push({
      pointer: `${at}/mass`,
      reason: `is missing, and there is no massFraction${weightKg === undefined ? ' and product weight' : ''} to derive it from: every material needs its mass`,
    });
  }

  // Its id: the extension's, else its name (numbered when two materials share one).
  let id: string;
  if (cext?.['id'] !== undefined) {
    id = cext['id'] as string;
    r.sources.set(`${c}/id`, `${X}/id`);
  } else {
    const base = typeof m['name'] === 'string' && m['name'].trim() !== '' ? m['name'].trim() : `material-${i + 1}`;
    const n = (ids.get(base) ?? 0) + 1;
    ids.set(base, n);
    id = n === 1 ? base : `${base}-${n}`;
    r.sources.set(`${c}/id`, `${at}/name`);
  }
  if (materialId === undefined || massKg === undefined) return undefined;

  const component: PassportComponent = { id, material: materialId, massKg };
  if (cext?.['features'] !== undefined) {
    component.features = cext['features'] as string[];
    r.sources.set(`${c}/features`, `${X}/features`);
  }
  // recycledAmount is the 0.5.0 name of recycledMassFraction (a fraction there too).
  const recycled = m['recycledMassFraction'] !== undefined ? 'recycledMassFraction' : 'recycledAmount';
  if (m[recycled] !== undefined) {
    component.recycledContent = m[recycled] as number;
    r.sources.set(`${c}/recycledContent`, `${at}/${recycled}`);
  }
  return component;
}

/**
 * A UNTP Digital Product Passport credential as a matterlog passport, checked.
 * A passport without matterlog's extension has no version label: it is then
 * `options.version`, or else the credential's `validFrom`. Problems are
 * `invalid_input` with `details.errors` [{pointer, reason}], pointing into `doc`.
 */
export function fromUntp(doc: unknown, options: { version?: string } = {}): PassportBody {
  const r: Reading = { issues: [], sources: new Map([['', S]]) };
  if (!isObject(doc)) refuse('not a UNTP passport', [{ pointer: '', reason: 'must be a JSON object' }]);
  const types = doc['type'];
  if (!(Array.isArray(types) ? types : [types]).includes('DigitalProductPassport')) {
    r.issues.push({
      pointer: '/type',
      reason: 'must include "DigitalProductPassport": this is not a UNTP DPP credential',
    });
  }
  const subject = doc['credentialSubject'];
  if (!isObject(subject)) {
    r.issues.push({ pointer: S, reason: 'must be the ProductPassport object' });
    refuse('the UNTP passport cannot be imported', r.issues);
  }
  const ext = extensionOf(subject, PASSPORT_EXT, S, PASSPORT_EXT_KEYS, r.issues);
  const product = readProduct(subject['product'], ext, r);

  // The declared mass: the product's weight (else, below, the sum of the materials).
  const weightAt = `${S}/product/dimensions/weight`;
  const p = subject['product'];
  const dimensions = isObject(p) ? p['dimensions'] : undefined;
  const weight = isObject(dimensions) ? dimensions['weight'] : undefined;
  const weightKg = weight === undefined ? undefined : kilograms(weight, weightAt, r.issues);
  r.sources.set('/declaredMassKg', `${weightAt}/value`);

  const materials = subject['materialsProvenance'];
  r.sources.set('/components', `${S}/materialsProvenance`);
  const components: PassportComponent[] = [];
  if (!Array.isArray(materials) || materials.length === 0) {
    r.issues.push({
      pointer: `${S}/materialsProvenance`,
      reason: "is missing: matterlog needs the product's materials and their masses",
    });
  } else {
    const ids = new Map<string, number>();
    materials.forEach((m, i) => {
      const component = readMaterial(m, i, weightKg, ids, r);
      if (component) components.push(component);
    });
  }

  // The version label: the extension's, else the caller's, else the credential's validFrom.
  let version: unknown = ext?.['version'] ?? options.version;
  r.sources.set('/version', `${E}/version`);
  if (version === undefined && typeof doc['validFrom'] === 'string') {
    version = doc['validFrom'];
    r.sources.set('/version', '/validFrom');
  } else if (version === undefined) {
    r.issues.push({
      pointer: `${E}/version`,
      reason:
        'is missing: UNTP has no version label, so a passport without it needs a validFrom date or a version given to the import',
    });
  }

  if (r.issues.length > 0) refuse('the UNTP passport cannot be imported', r.issues);

  const declaredMassKg = weightKg ?? tidy(components.reduce((s, c) => s + c.massKg, 0));
  const passport: PassportBody = { product, version: version as string, declaredMassKg, components };
  for (const key of PASSPORT_EXT_KEYS) {
    if (key === 'version' || key === 'product' || ext?.[key] === undefined) continue;
    (passport as unknown as Json)[key] = ext[key];
    r.sources.set(`/${key}`, `${E}/${key}`);
  }

  try {
    return checkPassport(passport);
  } catch (e) {
    if (!isMatterlogError(e, 'invalid_input')) throw e;
    const found = (e.details['errors'] ?? []) as Issue[];
    refuse(
      'the UNTP passport does not make a valid matterlog passport',
      found.map((x) => ({ pointer: translate(x.pointer, r.sources), reason: x.reason })),
    );
  }
}

/** A pointer into the passport as a pointer into the UNTP document, by the longest source prefix. */
function translate(pointer: string, sources: ReadonlyMap<string, string>): string {
  let best: string | undefined;
  for (const key of sources.keys()) {
    if ((pointer === key || pointer.startsWith(`${key}/`)) && (best === undefined || key.length > best.length))
      best = key;
  }
  return best === undefined ? pointer : `${sources.get(best)}${pointer.slice(best.length)}`;
}
