/** Export of a passport as a UNTP Digital Product Passport (see untp.ts). */
import { MatterlogError } from '../ledger/errors.js';
import { material as catalogMaterial } from './materials.js';
import { checkPassport, type PassportBody, productKey, tidy } from './passport.js';
import { PPWR_SOURCE } from './ppwr.js';
import {
  COMPONENT_EXT,
  fraction,
  GS1_GTIN_SCHEME,
  type Issue,
  type Json,
  MATTERLOG_MATERIAL_SCHEME,
  MATTERLOG_MATERIAL_SCHEME_NAME,
  MATTERLOG_UNTP_CONTEXT_URL,
  PASSPORT_EXT,
  PPWR_ELI,
  PPWR_GRADES,
  UNTP_DPP_CONTEXT,
  type UntpAssessment,
  type UntpDocument,
  type UntpExportOptions,
  VC_CONTEXT,
} from './untp-vocabulary.js';

/** The default credential id of a passport version. */
export function untpCredentialId(p: PassportBody): string {
  return `https://w3id.org/matterlog/passport/${productKey(p)}/${encodeURIComponent(p.version)}`;
}

/**
 * The product's id as a GS1 Digital Link on id.gs1.org, keeping the key
 * qualifiers (CPV, lot, serial) of the passport's own Digital Link, and the
 * UNTP granularity they imply.
 */
function productIdentity(product: PassportBody['product'], gtin: string) {
  let rest = '';
  let batchNumber: string | undefined;
  let serialNumber: string | undefined;
  if (product.digitalLink) {
    const path = new URL(product.digitalLink).pathname;
    const m = /\/01\/\d{8,14}((?:\/[^/]+\/[^/]+)*)\/?$/.exec(path);
    rest = m?.[1] ?? '';
    const parts = rest.split('/').slice(1);
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const value = decodeURIComponent(parts[i + 1] as string);
      if (parts[i] === '10') batchNumber = value;
      if (parts[i] === '21') serialNumber = value;
    }
  }
  const granularityLevel = serialNumber !== undefined ? 'item' : batchNumber !== undefined ? 'batch' : 'model';
  return { id: `${GS1_GTIN_SCHEME}${gtin}${rest}`, batchNumber, serialNumber, granularityLevel };
}

function issuerOf(issuer: UntpExportOptions['issuer']): Json | undefined {
  if (issuer === undefined) return undefined;
  if (typeof issuer !== 'string') return { type: ['CredentialIssuer'], id: issuer.id, name: issuer.name };
  // A matterlog actor name is a host and a path: the did:web method writes it host:path.
  const id = /^[a-z][a-z0-9+.-]*:/i.test(issuer)
    ? issuer
    : `did:web:${issuer
        .split('/')
        .map((s, i) => (i === 0 ? s.replace(':', '%3A') : encodeURIComponent(s)))
        .join(':')}`;
  return { type: ['CredentialIssuer'], id, name: issuer };
}

function checkAssessment(a: UntpAssessment): void {
  const issues: Issue[] = [];
  if (!fraction(a.share)) issues.push({ pointer: '/assessment/share', reason: 'must be a fraction from 0 to 1' });
  if (!fraction(a.mci)) issues.push({ pointer: '/assessment/mci', reason: 'must be a fraction from 0 to 1' });
  if (!PPWR_GRADES.includes(a.grade))
    issues.push({ pointer: '/assessment/grade', reason: `must be one of ${PPWR_GRADES.join(', ')}` });
  if (issues.length > 0) {
    throw new MatterlogError(
      'invalid_input',
      `the assessment to export is not valid: ${issues.map((x) => `${x.pointer}: ${x.reason}`).join('; ')}`,
      { details: { errors: issues } },
    );
  }
}

/** The PPWR grade as a UNTP conformity claim against Regulation (EU) 2025/40. */
function ppwrClaim(credentialId: string, a: UntpAssessment): Json {
  const percent = Math.round(a.share * 100 * 1e6) / 1e6;
  return {
    type: ['Claim', 'Declaration'],
    id: `${credentialId}#ppwr-grade`,
    description: `Design-for-recycling performance grade ${a.grade} (${PPWR_SOURCE}): ${percent}% of the mass recyclable, as assessed by matterlog`,
    referenceRegulation: {
      type: ['Regulation'],
      id: PPWR_ELI,
      name: 'Regulation (EU) 2025/40 on packaging and packaging waste (PPWR)',
      administeredBy: { id: 'https://commission.europa.eu/', name: 'European Commission' },
    },
    declaredValue: [
      { metricName: 'recyclable share by weight', metricValue: { value: percent, unit: 'P1' }, score: a.grade },
    ],
    conformance: a.grade !== 'non-recyclable',
    conformityTopic: 'circularity.design',
  };
}

/**
 * A passport as a UNTP Digital Product Passport credential, unsigned. The
 * UNTP schema requires an issuer: without `extras.issuer` the result is a
 * credential for its signer to complete.
 */
export function toUntp(p: PassportBody, extras: UntpExportOptions = {}): UntpDocument {
  const passport = checkPassport(p);
  if (extras.assessment) checkAssessment(extras.assessment);
  const gtin = productKey(passport);
  const identity = productIdentity(passport.product, gtin);
  const credentialId = extras.id ?? untpCredentialId(passport);
  const total = passport.components.reduce((s, c) => s + c.massKg, 0);

  const product: Json = {
    type: ['Product'],
    id: identity.id,
    name: passport.product.name ?? `GTIN ${gtin}`,
    registeredId: gtin,
    idScheme: { type: ['IdentifierScheme'], id: GS1_GTIN_SCHEME, name: 'Global Trade Item Number (GTIN)' },
    ...(identity.batchNumber !== undefined ? { batchNumber: identity.batchNumber } : {}),
    ...(identity.serialNumber !== undefined ? { serialNumber: identity.serialNumber } : {}),
    dimensions: { weight: { value: passport.declaredMassKg, unit: 'KGM' } },
  };

  const materialsProvenance = passport.components.map((c) => {
    const entry = catalogMaterial(c.material);
    const name = entry?.name ?? c.material;
    const hazardous = entry?.family === 'hazardous' || (c.features ?? []).some((f) => f.startsWith('hazard:'));
    const ext: Json = { id: c.id, ...(c.features !== undefined ? { features: [...c.features] } : {}) };
    return {
      name,
      materialType: {
        type: ['Classification'],
        id: `${MATTERLOG_MATERIAL_SCHEME}${c.material}`,
        code: c.material,
        name,
        schemeID: MATTERLOG_MATERIAL_SCHEME,
        schemeName: MATTERLOG_MATERIAL_SCHEME_NAME,
      },
      massFraction: tidy(c.massKg / total),
      mass: { value: c.massKg, unit: 'KGM' },
      ...(c.recycledContent !== undefined ? { recycledMassFraction: c.recycledContent } : {}),
      ...(hazardous ? { hazardous: true } : {}),
      [COMPONENT_EXT]: ext,
    };
  });

  const scorecard: Json = {};
  const a = extras.assessment;
  if (a) scorecard['recyclableContent'] = a.share;
  if (passport.components.some((c) => c.recycledContent !== undefined)) {
    scorecard['recycledContent'] = tidy(
      passport.components.reduce((s, c) => s + (c.recycledContent ?? 0) * c.massKg, 0) / total,
    );
  }
  const lifetimeRatio =
    passport.lifetimeYears && passport.averageLifetimeYears
      ? passport.lifetimeYears / passport.averageLifetimeYears
      : undefined;
  if (lifetimeRatio !== undefined || passport.useIntensityRatio !== undefined) {
    scorecard['utilityFactor'] = tidy((lifetimeRatio ?? 1) * (passport.useIntensityRatio ?? 1));
  }
  if (a) scorecard['materialCircularityIndicator'] = a.mci;

  const extension: Json = { version: passport.version };
  for (const key of [
    'replaces',
    'massTolerance',
    'lifetimeYears',
    'averageLifetimeYears',
    'useIntensityRatio',
  ] as const) {
    if (passport[key] !== undefined) extension[key] = passport[key];
  }
  if (passport.joins !== undefined) extension['joins'] = passport.joins.map((j) => ({ ...j }));
  extension['product'] = { ...passport.product };

  const issuer = issuerOf(extras.issuer);
  return {
    '@context': [VC_CONTEXT, UNTP_DPP_CONTEXT, MATTERLOG_UNTP_CONTEXT_URL],
    type: ['DigitalProductPassport', 'VerifiableCredential'],
    id: credentialId,
    ...(issuer ? { issuer } : {}),
    credentialSubject: {
      type: ['ProductPassport'],
      product,
      granularityLevel: identity.granularityLevel,
      ...(a ? { conformityClaim: [ppwrClaim(credentialId, a)] } : {}),
      ...(Object.keys(scorecard).length > 0 ? { circularityScorecard: scorecard } : {}),
      materialsProvenance,
      [PASSPORT_EXT]: extension,
    },
  };
}

// ---------------------------------------------------------------------------
// Import
