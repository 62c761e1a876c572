/**
 * Product passports: what a product is made of and how it is built, as its
 * producer declares it in a `passport` statement, checked against the catalog.
 * Versions form a chain: each new version names the version it replaces.
 */
import { MatterlogError } from '../ledger/errors.js';
import { digitalLinkGtin, normaliseGtin } from '../statements/gs1.js';
import { material } from './materials.js';
import type { DesignComponent, DesignJoin, JoinMethod, ProductDesign } from './recyclability.js';
import { DESIGN_FEATURES } from './routes.js';

export interface PassportComponent extends DesignComponent {
  /** Share of this component's mass from recycled sources, in [0, 1]. */
  recycledContent?: number;
}

export interface PassportBody {
  product: { gtin?: string; digitalLink?: string; name?: string };
  /** This version's label (e.g. "2025-03" or "v2"), unique per product. */
  version: string;
  /** The label of the version this one replaces. */
  replaces?: string;
  /**
   * From when this version describes the units placed on the market (RFC 3339
   * UTC); the statement's issued time when absent. Units are attributed to the
   * version in force at their commissioning time.
   */
  validFrom?: string;
  /** The product's mass as sold; the components must add up to it within `massTolerance`. */
  declaredMassKg: number;
  /** Allowed relative difference between the components' sum and the declared mass (default 0.02). */
  massTolerance?: number;
  components: PassportComponent[];
  joins?: DesignJoin[];
  /** Expected lifetime, and the average for this kind of product (for the MCI's L / Lav). */
  lifetimeYears?: number;
  averageLifetimeYears?: number;
  /** Intensity of use relative to the average product of its kind (U / Uav). */
  useIntensityRatio?: number;
}

export const DEFAULT_MASS_TOLERANCE = 0.02;
const PASSPORT_MEMBERS = [
  'product',
  'version',
  'replaces',
  'validFrom',
  'declaredMassKg',
  'massTolerance',
  'components',
  'joins',
  'lifetimeYears',
  'averageLifetimeYears',
  'useIntensityRatio',
];
const JOIN_METHODS: readonly JoinMethod[] = ['hand', 'shredding', 'inseparable'];

interface Issue {
  pointer: string;
  reason: string;
}

/** A sum of decimal masses without its binary noise (0.028000000000000004 → 0.028). */
export const tidy = (x: number): number => Number(x.toPrecision(12));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const fraction = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

/** The product's key: its GTIN as 14 digits (from the GTIN or the Digital Link). */
export function productKey(p: PassportBody): string {
  return (p.product.gtin ? normaliseGtin(p.product.gtin) : digitalLinkGtin(p.product.digitalLink ?? '')) as string;
}

function checkProduct(product: unknown, issues: Issue[]): void {
  if (!isObject(product)) {
    issues.push({ pointer: '/product', reason: 'must name the product: {"gtin": …} or {"digitalLink": …}' });
    return;
  }
  const { gtin, digitalLink } = product;
  if (gtin === undefined && digitalLink === undefined) {
    issues.push({ pointer: '/product', reason: 'needs a gtin or a GS1 Digital Link (digitalLink)' });
  }
  if (gtin !== undefined && (typeof gtin !== 'string' || normaliseGtin(gtin) === null)) {
    issues.push({ pointer: '/product/gtin', reason: 'must be a GTIN-8, -12, -13 or -14 with a correct check digit' });
  }
  if (digitalLink !== undefined && (typeof digitalLink !== 'string' || digitalLinkGtin(digitalLink) === null)) {
    issues.push({
      pointer: '/product/digitalLink',
      reason: 'must be a GS1 Digital Link URI with a valid GTIN (…/01/<gtin>)',
    });
  }
  if (typeof gtin === 'string' && typeof digitalLink === 'string') {
    const a = normaliseGtin(gtin);
    const b = digitalLinkGtin(digitalLink);
    if (a && b && a !== b)
      issues.push({ pointer: '/product/digitalLink', reason: `names GTIN ${b}, not the gtin ${a}` });
  }
}

function checkComponent(c: unknown, at: string, ids: Set<string>, issues: Issue[]): number {
  if (!isObject(c)) {
    issues.push({ pointer: at, reason: 'must be an object {"id", "material", "massKg", …}' });
    return 0;
  }
  if (typeof c['id'] !== 'string' || c['id'] === '')
    issues.push({ pointer: `${at}/id`, reason: 'must be a non-empty string' });
  else if (ids.has(c['id'])) issues.push({ pointer: `${at}/id`, reason: `"${c['id']}" names two components` });
  else ids.add(c['id']);
  if (typeof c['material'] !== 'string' || !material(c['material'])) {
    issues.push({
      pointer: `${at}/material`,
      reason: `unknown material ${JSON.stringify(c['material'])}; "matterlog catalog" lists the material ids`,
    });
  }
  if (c['massKg'] === undefined)
    issues.push({ pointer: `${at}/massKg`, reason: 'is missing: every component needs its mass' });
  else if (!positive(c['massKg'])) {
    issues.push({
      pointer: `${at}/massKg`,
      reason: `must be a positive number of kilograms, not ${JSON.stringify(c['massKg'])}`,
    });
  }
  const features = c['features'];
  if (features !== undefined) {
    if (!Array.isArray(features)) issues.push({ pointer: `${at}/features`, reason: 'must be an array of feature ids' });
    else {
      features.forEach((f, i) => {
        if (typeof f !== 'string' || !Object.hasOwn(DESIGN_FEATURES, f)) {
          issues.push({
            pointer: `${at}/features/${i}`,
            reason: `unknown design feature ${JSON.stringify(f)} (known: ${Object.keys(DESIGN_FEATURES).join(', ')})`,
          });
        }
      });
    }
  }
  if (c['recycledContent'] !== undefined && !fraction(c['recycledContent'])) {
    issues.push({ pointer: `${at}/recycledContent`, reason: 'must be a fraction from 0 to 1' });
  }
  return positive(c['massKg']) ? c['massKg'] : 0;
}

/** Every problem with a passport body, each with its JSON pointer; empty when it is valid. */
export function passportIssues(body: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!isObject(body)) return [{ pointer: '', reason: 'a passport must be a JSON object' }];
  for (const k of Object.keys(body)) {
    if (!PASSPORT_MEMBERS.includes(k))
      issues.push({ pointer: `/${k}`, reason: `is not a passport member (members: ${PASSPORT_MEMBERS.join(', ')})` });
  }
  checkProduct(body['product'], issues);
  if (
    body['validFrom'] !== undefined &&
    (typeof body['validFrom'] !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(body['validFrom']) ||
      Number.isNaN(Date.parse(body['validFrom'])))
  ) {
    issues.push({ pointer: '/validFrom', reason: 'must be an RFC 3339 UTC time such as 2045-03-01T00:00:00Z' });
  }
  if (typeof body['version'] !== 'string' || body['version'] === '' || body['version'].length > 64) {
    issues.push({ pointer: '/version', reason: 'must be a version label of 1 to 64 characters' });
  }
  if (body['replaces'] !== undefined) {
    if (typeof body['replaces'] !== 'string' || body['replaces'] === '') {
      issues.push({ pointer: '/replaces', reason: 'must be the label of the version this one replaces' });
    } else if (body['replaces'] === body['version']) {
      issues.push({ pointer: '/replaces', reason: 'a version cannot replace itself' });
    }
  }
  const tolerance = body['massTolerance'] ?? DEFAULT_MASS_TOLERANCE;
  if (!fraction(tolerance)) issues.push({ pointer: '/massTolerance', reason: 'must be a fraction from 0 to 1' });
  if (body['declaredMassKg'] === undefined)
    issues.push({ pointer: '/declaredMassKg', reason: "is missing: the product's mass as sold" });
  else if (!positive(body['declaredMassKg'])) {
    issues.push({
      pointer: '/declaredMassKg',
      reason: `must be a positive number of kilograms, not ${JSON.stringify(body['declaredMassKg'])}`,
    });
  }
  const components = body['components'];
  const ids = new Set<string>();
  let sum = 0;
  if (!Array.isArray(components) || components.length === 0) {
    issues.push({ pointer: '/components', reason: 'must list at least one component' });
  } else {
    components.forEach((c, i) => {
      sum += checkComponent(c, `/components/${i}`, ids, issues);
    });
    const declared = body['declaredMassKg'];
    const complete = issues.every((x) => !x.pointer.endsWith('/massKg'));
    if (complete && positive(declared) && fraction(tolerance) && Math.abs(sum - declared) > tolerance * declared) {
      issues.push({
        pointer: '/components',
        reason: `the components add up to ${tidy(sum)} kg, but the declared mass is ${declared} kg: a difference of ${(
          (100 * Math.abs(sum - declared)) / declared
        ).toFixed(2)}%, more than the ${100 * tolerance}% tolerance`,
      });
    }
  }
  const joins = body['joins'] ?? [];
  if (!Array.isArray(joins)) issues.push({ pointer: '/joins', reason: 'must be an array of {"a", "b", "method"}' });
  else {
    joins.forEach((j, i) => {
      const at = `/joins/${i}`;
      if (!isObject(j)) {
        issues.push({ pointer: at, reason: 'must be {"a", "b", "method"}' });
        return;
      }
      for (const end of ['a', 'b'] as const) {
        if (typeof j[end] !== 'string' || !ids.has(j[end])) {
          issues.push({
            pointer: `${at}/${end}`,
            reason: `must name a component of this passport, not ${JSON.stringify(j[end])}`,
          });
        }
      }
      if (j['a'] === j['b']) issues.push({ pointer: at, reason: 'joins a component to itself' });
      if (!JOIN_METHODS.includes(j['method'] as JoinMethod)) {
        issues.push({ pointer: `${at}/method`, reason: `must be one of ${JOIN_METHODS.join(', ')}` });
      }
    });
  }
  for (const f of ['lifetimeYears', 'averageLifetimeYears', 'useIntensityRatio']) {
    if (body[f] !== undefined && !positive(body[f]))
      issues.push({ pointer: `/${f}`, reason: 'must be a positive number' });
  }
  return issues;
}

/** The passport, or `invalid_input` listing every problem with its pointer. */
export function checkPassport(body: unknown): PassportBody {
  const issues = passportIssues(body);
  if (issues.length > 0) {
    const shown = issues.slice(0, 3).map((x) => `${x.pointer || '/'}: ${x.reason}`);
    throw new MatterlogError(
      'invalid_input',
      `the passport is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown.join('; ')}${issues.length > 3 ? '; …' : ''}`,
      { details: { errors: issues } },
    );
  }
  return body as unknown as PassportBody;
}

/** The design part of a passport, as the recyclability assessment takes it. */
export function designOf(p: PassportBody): ProductDesign {
  return { components: p.components, joins: p.joins ?? [] };
}

/**
 * Checks a set of versions of products (e.g. an import): every `replaces`
 * names a version of the same product in the set or already known, labels are
 * unique per product, and no chain loops back on itself.
 */
export function checkVersionChains(passports: readonly PassportBody[], known: ReadonlySet<string> = new Set()): void {
  const byProduct = new Map<string, Map<string, PassportBody>>();
  for (const p of passports) {
    const key = productKey(p);
    const versions = byProduct.get(key) ?? new Map<string, PassportBody>();
    if (versions.has(p.version) || known.has(`${key}@${p.version}`)) {
      throw new MatterlogError('invalid_input', `product ${key} has two passports labelled version "${p.version}"`);
    }
    versions.set(p.version, p);
    byProduct.set(key, versions);
  }
  for (const [key, versions] of byProduct) {
    for (const start of versions.values()) {
      const seen: string[] = [start.version];
      let at = start;
      while (at.replaces !== undefined) {
        const next = versions.get(at.replaces);
        if (!next) {
          if (known.has(`${key}@${at.replaces}`)) break;
          throw new MatterlogError(
            'invalid_input',
            `product ${key} version "${at.version}" replaces version "${at.replaces}", which does not exist`,
          );
        }
        if (seen.includes(next.version)) {
          throw new MatterlogError(
            'invalid_input',
            `product ${key}: the version chain loops: ${[...seen, next.version].map((v) => `"${v}"`).join(' → ')}`,
          );
        }
        seen.push(next.version);
        at = next;
      }
    }
  }
}

/** A product's composition by material: each component's mass as a share of the product's. */
export function passportComposition(p: PassportBody): Record<string, number> {
  const out: Record<string, number> = {};
  const total = p.components.reduce((s, c) => s + c.massKg, 0);
  for (const c of p.components) out[c.material] = (out[c.material] ?? 0) + c.massKg / total;
  return out;
}
