import { describe, expect, it } from 'vitest';
import { isMatterlogError } from '../ledger/errors.js';
import { assessPassport } from './assessment.js';
import type { PassportBody } from './passport.js';
import { ROUTES } from './routes.js';
import {
  EU_PACKAGING_MATERIAL_SCHEME,
  fromUntp,
  MATTERLOG_UNTP_CONTEXT,
  MATTERLOG_UNTP_CONTEXT_URL,
  toUntp,
  UNTP_DPP_CONTEXT,
} from './untp.js';

const bottle = (over: Partial<PassportBody> = {}): PassportBody => ({
  product: { gtin: '4006381333931', name: 'still water 0.5 l' },
  version: 'v2',
  replaces: 'v1',
  declaredMassKg: 0.028,
  massTolerance: 0.01,
  components: [
    { id: 'bottle', material: 'polymer/PET', massKg: 0.025, recycledContent: 0.3 },
    { id: 'cap', material: 'polymer/PP', massKg: 0.002, features: ['pigment:carbon-black'] },
    { id: 'label', material: 'fibre/paper', massKg: 0.001, features: [], recycledContent: 0 },
  ],
  joins: [
    { a: 'bottle', b: 'cap', method: 'shredding' },
    { a: 'bottle', b: 'label', method: 'shredding' },
  ],
  lifetimeYears: 0.5,
  averageLifetimeYears: 0.25,
  useIntensityRatio: 1.5,
  ...over,
});

type Json = Record<string, unknown>;
/** The document as plain JSON (what a file or an HTTP body would carry), to edit freely. */
const json = (x: unknown): Json => JSON.parse(JSON.stringify(x)) as Json;
const subjectOf = (d: Json): Json => d['credentialSubject'] as Json;
const materialsOf = (d: Json): Json[] => subjectOf(d)['materialsProvenance'] as Json[];

/** The problems an import reports, as "pointer: reason". */
function problems(doc: unknown, options?: { version?: string }): string[] {
  try {
    fromUntp(doc, options);
  } catch (e) {
    expect(isMatterlogError(e, 'invalid_input')).toBe(true);
    const errors = (e as { details: { errors: { pointer: string; reason: string }[] } }).details.errors;
    return errors.map((x) => `${x.pointer}: ${x.reason}`);
  }
  return [];
}

describe('export to a UNTP Digital Product Passport (0.6.1)', () => {
  const assessed = assessPassport(bottle(), ROUTES);
  const doc = toUntp(bottle(), {
    issuer: 'producer.example/bottling',
    assessment: { share: assessed.recyclability.share, mci: assessed.mci.MCI, grade: assessed.ppwr.grade },
  });

  it('is a verifiable credential with the UNTP context and types, and matterlog’s extension context', () => {
    expect(doc['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://test.uncefact.org/vocabulary/untp/dpp/0.6.1/',
      MATTERLOG_UNTP_CONTEXT_URL,
    ]);
    expect(UNTP_DPP_CONTEXT).toBe('https://test.uncefact.org/vocabulary/untp/dpp/0.6.1/');
    expect(doc['type']).toEqual(['DigitalProductPassport', 'VerifiableCredential']);
    expect(doc['id']).toBe('https://w3id.org/matterlog/passport/04006381333931/v2');
    expect(doc['issuer']).toEqual({
      type: ['CredentialIssuer'],
      id: 'did:web:producer.example:bottling',
      name: 'producer.example/bottling',
    });
    expect(subjectOf(doc)['type']).toEqual(['ProductPassport']);
    // The extension defines its own terms only, as JSON literals, under the matterlog: prefix.
    expect(Object.keys(MATTERLOG_UNTP_CONTEXT['@context'])).toEqual([
      '@version',
      '@protected',
      'matterlog',
      'matterlog:passport',
      'matterlog:component',
    ]);
  });

  it('names the product by its GS1 Digital Link and weighs it in kilograms', () => {
    expect(subjectOf(doc)['product']).toEqual({
      type: ['Product'],
      id: 'https://id.gs1.org/01/04006381333931',
      name: 'still water 0.5 l',
      registeredId: '04006381333931',
      idScheme: { type: ['IdentifierScheme'], id: 'https://id.gs1.org/01/', name: 'Global Trade Item Number (GTIN)' },
      dimensions: { weight: { value: 0.028, unit: 'KGM' } },
    });
    expect(subjectOf(doc)['granularityLevel']).toBe('model');
    const lot = toUntp(bottle({ product: { digitalLink: 'https://example.com/01/4006381333931/10/LOT%2042?x=1' } }));
    expect(subjectOf(lot)['product']).toMatchObject({
      id: 'https://id.gs1.org/01/04006381333931/10/LOT%2042',
      name: 'GTIN 04006381333931',
      batchNumber: 'LOT 42',
    });
    expect(subjectOf(lot)['granularityLevel']).toBe('batch');
  });

  it('lists each component as a material with its mass, mass fraction and recycled mass fraction', () => {
    expect(materialsOf(doc)).toEqual([
      {
        name: 'polyethylene terephthalate',
        materialType: {
          type: ['Classification'],
          id: 'https://w3id.org/matterlog/voc/material/polymer/PET',
          code: 'polymer/PET',
          name: 'polyethylene terephthalate',
          schemeID: 'https://w3id.org/matterlog/voc/material/',
          schemeName: 'matterlog materials catalog',
        },
        massFraction: 0.892857142857,
        mass: { value: 0.025, unit: 'KGM' },
        recycledMassFraction: 0.3,
        'matterlog:component': { id: 'bottle' },
      },
      expect.objectContaining({
        name: 'polypropylene',
        massFraction: 0.0714285714286,
        mass: { value: 0.002, unit: 'KGM' },
        'matterlog:component': { id: 'cap', features: ['pigment:carbon-black'] },
      }),
      expect.objectContaining({
        name: 'paper',
        recycledMassFraction: 0,
        'matterlog:component': { id: 'label', features: [] },
      }),
    ]);
    const battery = toUntp(
      bottle({
        declaredMassKg: 0.05,
        components: [{ id: 'cell', material: 'hazardous/li-ion-battery', massKg: 0.05 }],
        joins: [],
      }),
    );
    expect(materialsOf(battery)[0]).toMatchObject({ hazardous: true, massFraction: 1 });
  });

  it('carries the assessment as the circularity scorecard and the PPWR grade as a conformity claim', () => {
    expect(subjectOf(doc)['circularityScorecard']).toEqual({
      recyclableContent: assessed.recyclability.share,
      recycledContent: 0.267857142857, // 0.3 · 0.025 / 0.028
      utilityFactor: 3, // (0.5 / 0.25) · 1.5
      materialCircularityIndicator: assessed.mci.MCI,
    });
    const [claim] = subjectOf(doc)['conformityClaim'] as Json[];
    expect(claim).toMatchObject({
      type: ['Claim', 'Declaration'],
      id: 'https://w3id.org/matterlog/passport/04006381333931/v2#ppwr-grade',
      referenceRegulation: { id: 'http://data.europa.eu/eli/reg/2025/40/oj' },
      declaredValue: [{ metricValue: { unit: 'P1' }, score: assessed.ppwr.grade }],
      conformance: assessed.ppwr.grade !== 'non-recyclable',
      conformityTopic: 'circularity.design',
    });
    // Without an assessment there is no grade to claim, and only the passport's own figures.
    const plain = toUntp(bottle({ lifetimeYears: undefined, averageLifetimeYears: undefined }));
    expect(subjectOf(plain)['conformityClaim']).toBeUndefined();
    expect(subjectOf(plain)['circularityScorecard']).toEqual({ recycledContent: 0.267857142857, utilityFactor: 1.5 });
    expect(plain['issuer']).toBeUndefined();
  });

  it('puts what UNTP has no field for under matterlog:passport', () => {
    expect(subjectOf(doc)['matterlog:passport']).toEqual({
      version: 'v2',
      replaces: 'v1',
      massTolerance: 0.01,
      lifetimeYears: 0.5,
      averageLifetimeYears: 0.25,
      useIntensityRatio: 1.5,
      joins: bottle().joins,
      product: { gtin: '4006381333931', name: 'still water 0.5 l' },
    });
  });

  it('refuses an invalid passport or assessment', () => {
    expect(() => toUntp(bottle({ declaredMassKg: 1 }))).toThrow(/the passport is not valid/);
    expect(() => toUntp(bottle(), { assessment: { share: 1.2, mci: 0.5, grade: 'A' } })).toThrow(
      /\/assessment\/share: must be a fraction from 0 to 1/,
    );
  });
});

describe('round trip', () => {
  it('gives back the PET bottle passport exactly, through JSON', () => {
    const assessed = assessPassport(bottle(), ROUTES);
    const doc = toUntp(bottle(), {
      issuer: 'did:web:producer.example',
      assessment: { share: assessed.recyclability.share, mci: assessed.mci.MCI, grade: assessed.ppwr.grade },
    });
    expect(fromUntp(json(doc))).toStrictEqual(bottle());
  });

  it('keeps the product’s own form: a Digital Link on its own domain, or no name at all', () => {
    const linked = bottle({ product: { digitalLink: 'https://example.com/01/04006381333931/10/LOT1' } });
    expect(fromUntp(json(toUntp(linked)))).toStrictEqual(linked);
    const minimal: PassportBody = {
      product: { gtin: '04006381333931' },
      version: '2025-03',
      declaredMassKg: 0.025,
      components: [{ id: 'bottle', material: 'polymer/PET', massKg: 0.025 }],
    };
    expect(fromUntp(json(toUntp(minimal)))).toStrictEqual(minimal);
  });
});

describe('import of a UNTP passport written by another tool (no matterlog extension)', () => {
  // The shape of the UNTP DPP 0.6.1 sample instance, cut down to what a bottler would state.
  const untp = (materials: unknown[], productOver: Json = {}): Json => ({
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://test.uncefact.org/vocabulary/untp/dpp/0.6.1/'],
    type: ['DigitalProductPassport', 'VerifiableCredential'],
    id: 'https://example-bottler.com/credentials/2a423366-a0d6-4855-ba65-2e0c926d09b0',
    issuer: { type: ['CredentialIssuer'], id: 'did:web:example-bottler.com', name: 'Example Bottler Ltd' },
    validFrom: '2025-03-01T00:00:00Z',
    credentialSubject: {
      type: ['ProductPassport'],
      product: {
        type: ['Product'],
        id: 'https://id.gs1.org/01/04006381333931/10/LOT42',
        name: 'Still water 0.5 l',
        batchNumber: 'LOT42',
        dimensions: { weight: { value: 28, unit: 'GRM' } },
        ...productOver,
      },
      granularityLevel: 'batch',
      materialsProvenance: materials,
    },
  });
  const pet = {
    name: 'Bottle body',
    originCountry: 'DE',
    materialType: {
      type: ['Classification'],
      id: `${EU_PACKAGING_MATERIAL_SCHEME}#1`,
      code: '1',
      name: 'PET',
      schemeID: EU_PACKAGING_MATERIAL_SCHEME,
      schemeName: 'Commission Decision 97/129/EC, packaging material identification',
    },
    massFraction: 0.893,
    mass: { value: 25, unit: 'GRM' },
    recycledMassFraction: 0.3,
    hazardous: false,
  };
  const pp = { name: 'Polypropylene', massFraction: 0.071, mass: { value: 2, unit: 'GRM' } };
  const paper = { name: 'paper', massFraction: 0.036 };

  it('maps material codes and names to catalog ids, converts grams, and derives a mass from its fraction', () => {
    expect(fromUntp(untp([pet, pp, paper]))).toStrictEqual({
      product: { digitalLink: 'https://id.gs1.org/01/04006381333931/10/LOT42', name: 'Still water 0.5 l' },
      version: '2025-03-01T00:00:00Z',
      declaredMassKg: 0.028,
      components: [
        { id: 'Bottle body', material: 'polymer/PET', massKg: 0.025, recycledContent: 0.3 },
        { id: 'Polypropylene', material: 'polymer/PP', massKg: 0.002 },
        { id: 'paper', material: 'fibre/paper', massKg: 0.001008 }, // 0.036 of 28 g
      ],
    });
  });

  it('takes a version given to the import, the product by a registered GTIN, and the sum when no weight', () => {
    const doc = untp([pet, { ...pp, name: 'PE-HD' }, { ...pp, name: 'PE-HD' }], {
      id: 'https://example-bottler.com/products/still-water',
      registeredId: '4006381333931',
      idScheme: { type: ['IdentifierScheme'], id: 'https://id.gs1.org/01/', name: 'GTIN' },
      dimensions: undefined,
    });
    const p = fromUntp(doc, { version: 'batch-42' });
    expect(p.product).toEqual({ gtin: '04006381333931', name: 'Still water 0.5 l' });
    expect(p.version).toBe('batch-42');
    expect(p.declaredMassKg).toBe(0.029);
    expect(p.components.map((c) => [c.id, c.material])).toEqual([
      ['Bottle body', 'polymer/PET'],
      ['PE-HD', 'polymer/HDPE'],
      ['PE-HD-2', 'polymer/HDPE'],
    ]);
  });

  it('names each material it cannot map or weigh, with a pointer into the document', () => {
    const spodumene = {
      name: 'Lithium Spodumene',
      materialType: {
        type: ['Classification'],
        id: 'https://unstats.un.org/unsd/classifications/Econ/cpc/46410',
        code: '46410',
        name: 'Primary cells and primary batteries',
        schemeID: 'https://unstats.un.org/unsd/classifications/Econ/cpc/',
        schemeName: 'UN Central Product Classification (CPC)',
      },
      mass: { value: 3, unit: 'GRM' },
    };
    expect(problems(untp([pet, spodumene, { name: 'Polypropylene' }], { dimensions: undefined }))).toEqual([
      '/credentialSubject/materialsProvenance/1/materialType: "UN Central Product Classification (CPC)" "46410" "Primary cells and primary batteries" does not map to a catalog material; name one with "matterlog:component": {"material": "<catalog id>"} ("matterlog catalog" lists them)',
      '/credentialSubject/materialsProvenance/2/mass: is missing, and there is no massFraction and product weight to derive it from: every material needs its mass',
    ]);
    // The extension can say which catalog material a foreign material type is.
    const named = { ...spodumene, 'matterlog:component': { material: 'hazardous/li-ion-battery' } };
    expect(fromUntp(untp([pet, named], { dimensions: undefined })).components[1]).toEqual({
      id: 'Lithium Spodumene',
      material: 'hazardous/li-ion-battery',
      massKg: 0.003,
    });
  });

  it('refuses what is not a UNTP passport of a GTIN-identified product with masses it can convert', () => {
    expect(problems([])).toEqual([': must be a JSON object']);
    expect(problems({ ...untp([pet]), type: ['VerifiableCredential'] })).toEqual([
      '/type: must include "DigitalProductPassport": this is not a UNTP DPP credential',
    ]);
    expect(problems({ ...untp([pet]), credentialSubject: undefined })).toEqual([
      '/credentialSubject: must be the ProductPassport object',
    ]);
    expect(problems(untp([], { id: 'https://example.com/products/1' }))).toEqual([
      '/credentialSubject/product/id: must be a GS1 Digital Link (https://id.gs1.org/01/<GTIN>…), or registeredId a GTIN with idScheme https://id.gs1.org/01/: matterlog keys passports by GTIN',
      "/credentialSubject/materialsProvenance: is missing: matterlog needs the product's materials and their masses",
    ]);
    expect(
      problems(
        untp([
          { ...pet, mass: { value: 0.5, unit: 'LTR' } },
          { ...pp, mass: { value: '2' } },
        ]),
      ),
    ).toEqual([
      '/credentialSubject/materialsProvenance/0/mass/unit: must be a UN/ECE Rec 20 mass unit matterlog converts (KGM, GRM, TNE), not "LTR"',
      '/credentialSubject/materialsProvenance/1/mass/value: must be a number, not "2"',
    ]);
    const { validFrom: _v, ...undated } = untp([pet, pp, paper]);
    expect(problems(undated)).toEqual([
      '/credentialSubject/matterlog:passport/version: is missing: UNTP has no version label, so a passport without it needs a validFrom date or a version given to the import',
    ]);
  });

  it('reports the problems checkPassport finds where they are in the UNTP document', () => {
    expect(problems(untp([pet, pp], { dimensions: { weight: { value: 0.05, unit: 'KGM' } } }))).toEqual([
      '/credentialSubject/materialsProvenance: the components add up to 0.027 kg, but the declared mass is 0.05 kg: a difference of 46.00%, more than the 2% tolerance',
    ]);
    expect(
      problems(
        untp([
          { ...pet, recycledMassFraction: 1.5 },
          { ...pp, mass: { value: -2, unit: 'GRM' } },
        ]),
      ),
    ).toEqual([
      '/credentialSubject/materialsProvenance/0/recycledMassFraction: must be a fraction from 0 to 1',
      '/credentialSubject/materialsProvenance/1/mass/value: must be a positive number of kilograms, not -0.002',
    ]);
  });
});

describe('import of an exported passport that was edited', () => {
  const exported = () => json(toUntp(bottle()));

  it('points into the matterlog extension for its fields', () => {
    const doc = exported();
    const components = materialsOf(doc);
    (components[1] as Json)['matterlog:component'] = { id: 'cap', features: ['glitter'] };
    (subjectOf(doc)['matterlog:passport'] as Json)['joins'] = [{ a: 'bottle', b: 'lid', method: 'glued' }];
    (subjectOf(doc)['matterlog:passport'] as Json)['colour'] = 'blue';
    expect(problems(doc)).toEqual([
      '/credentialSubject/matterlog:passport/colour: is not a member of matterlog:passport (version, replaces, massTolerance, joins, lifetimeYears, averageLifetimeYears, useIntensityRatio, product)',
    ]);
    delete (subjectOf(doc)['matterlog:passport'] as Json)['colour'];
    const found = problems(doc);
    expect(found[0]).toMatch(
      /^\/credentialSubject\/materialsProvenance\/1\/matterlog:component\/features\/0: unknown design feature "glitter"/,
    );
    expect(found.slice(1)).toEqual([
      '/credentialSubject/matterlog:passport/joins/0/b: must name a component of this passport, not "lid"',
      '/credentialSubject/matterlog:passport/joins/0/method: must be one of hand, shredding, inseparable',
    ]);
  });

  it('refuses a UNTP part and an extension that contradict each other, and a material not in the catalog', () => {
    const doc = exported();
    (subjectOf(doc)['matterlog:passport'] as Json)['product'] = { gtin: '4012345000009' };
    (materialsOf(doc)[0] as Json)['matterlog:component'] = { id: 'bottle', material: 'polymer/HDPE' };
    expect(problems(doc)).toEqual([
      '/credentialSubject/matterlog:passport/product: names GTIN 04012345000009, but the UNTP product is GTIN 04006381333931',
      '/credentialSubject/materialsProvenance/0/matterlog:component/material: says "polymer/HDPE", but materialType says "polymer/PET"',
    ]);
    const uncoded = exported();
    delete ((materialsOf(uncoded)[1] as Json)['materialType'] as Json)['code'];
    delete ((materialsOf(uncoded)[1] as Json)['materialType'] as Json)['id'];
    expect(problems(uncoded)).toEqual([
      '/credentialSubject/materialsProvenance/1/materialType/code: is missing: it is the catalog id of the material',
    ]);
    const other = exported();
    ((materialsOf(other)[0] as Json)['materialType'] as Json)['code'] = 'polymer/unobtainium';
    expect(problems(other)).toEqual([
      '/credentialSubject/materialsProvenance/0/materialType/code: unknown material "polymer/unobtainium"; "matterlog catalog" lists the material ids',
    ]);
  });

  it('takes the UNTP fields as they are now: a renamed product and a reweighed component come through', () => {
    const doc = exported();
    (subjectOf(doc)['product'] as Json)['name'] = 'still water 500 ml';
    (materialsOf(doc)[2] as Json)['mass'] = { value: 1.2, unit: 'GRM' };
    const p = fromUntp(doc);
    expect(p.product.name).toBe('still water 500 ml');
    expect(p.components[2]?.massKg).toBe(0.0012);
  });
});
