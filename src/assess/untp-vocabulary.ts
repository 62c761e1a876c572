import type { PpwrGrade } from './ppwr.js';

/** The UNTP DPP release this module writes (and the releases it reads: 0.5.0 to 0.6.1). */
export const UNTP_DPP_VERSION = '0.6.1';
export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const UNTP_DPP_CONTEXT = `https://test.uncefact.org/vocabulary/untp/dpp/${UNTP_DPP_VERSION}/`;

/** matterlog's vocabulary (as for its EPCIS business steps). */
export const MATTERLOG_VOCAB = 'https://w3id.org/matterlog/voc/';
/** Where matterlog's extension context is to be published (UNTP extensions reference their context by URL). */
export const MATTERLOG_UNTP_CONTEXT_URL = 'https://w3id.org/matterlog/untp/1.0/';
/**
 * The extension context document. Its two terms are JSON literals (`@json`):
 * their content is matterlog's own passport fields, kept verbatim. It defines
 * no term the UNTP context defines, as the UNTP extensions methodology requires.
 */
export const MATTERLOG_UNTP_CONTEXT = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    matterlog: MATTERLOG_VOCAB,
    'matterlog:passport': { '@id': `${MATTERLOG_VOCAB}passport`, '@type': '@json' },
    'matterlog:component': { '@id': `${MATTERLOG_VOCAB}component`, '@type': '@json' },
  },
} as const;

/** The classification scheme of matterlog's catalog materials, as UNTP `materialType` names them. */
export const MATTERLOG_MATERIAL_SCHEME = `${MATTERLOG_VOCAB}material/`;
export const MATTERLOG_MATERIAL_SCHEME_NAME = 'matterlog materials catalog';
export const GS1_GTIN_SCHEME = 'https://id.gs1.org/01/';
export const PASSPORT_EXT = 'matterlog:passport';
export const COMPONENT_EXT = 'matterlog:component';
export const PPWR_ELI = 'http://data.europa.eu/eli/reg/2025/40/oj';

/**
 * Commission Decision 97/129/EC (OJ L 50, 20.2.1997, p. 28), the EU
 * identification system for packaging materials: its numbers (Annexes I–VII)
 * for the materials the catalog has. Numbers with no single catalog material
 * (7 other plastics, 21 non-corrugated fibreboard, 51 cork, 61 jute, the
 * other composites) are left out rather than guessed.
 */
export const EU_PACKAGING_MATERIAL_SCHEME = 'http://data.europa.eu/eli/dec/1997/129/oj';
export const EU_PACKAGING_MATERIAL_CODES: Readonly<Record<string, string>> = {
  '1': 'polymer/PET', // PET
  '2': 'polymer/HDPE', // HDPE
  '3': 'polymer/PVC', // PVC
  '4': 'polymer/LDPE', // LDPE
  '5': 'polymer/PP', // PP
  '6': 'polymer/PS', // PS
  '20': 'fibre/cardboard', // PAP, corrugated fibreboard
  '22': 'fibre/paper', // PAP, paper
  '40': 'metal/steel', // FE
  '41': 'metal/aluminium', // ALU
  '50': 'organic/wood', // FOR, wood
  '60': 'textile/cotton', // TEX, cotton
  '70': 'glass/clear', // GL, colourless
  '71': 'glass/green', // GL, green
  '72': 'glass/brown', // GL, brown
  '81': 'composite/liquid-board', // C/PAP, paper and fibreboard/plastic
  '84': 'composite/liquid-board', // C/PAP, paper and cardboard/plastic/aluminium
};

/**
 * Material names a UNTP passport may use, lower case: the ISO 1043-1 symbols
 * of the catalog's plastics, the 97/129/EC abbreviations that name one
 * material, and common English names. Catalog ids and catalog names match too.
 */
export const MATERIAL_NAMES: Readonly<Record<string, string>> = {
  pet: 'polymer/PET',
  pete: 'polymer/PET',
  'pe-hd': 'polymer/HDPE',
  hdpe: 'polymer/HDPE',
  'pe-ld': 'polymer/LDPE',
  ldpe: 'polymer/LDPE',
  'pe-lld': 'polymer/LLDPE',
  lldpe: 'polymer/LLDPE',
  pp: 'polymer/PP',
  ps: 'polymer/PS',
  pvc: 'polymer/PVC',
  pla: 'polymer/PLA',
  abs: 'polymer/ABS',
  aluminium: 'metal/aluminium',
  aluminum: 'metal/aluminium',
  alu: 'metal/aluminium',
  steel: 'metal/steel',
  tinplate: 'metal/steel',
  fe: 'metal/steel',
  copper: 'metal/copper',
  cardboard: 'fibre/cardboard',
  'corrugated cardboard': 'fibre/cardboard',
  'corrugated fibreboard': 'fibre/cardboard',
  'clear glass': 'glass/clear',
  'flint glass': 'glass/clear',
  'colourless glass': 'glass/clear',
  'brown glass': 'glass/brown',
  'amber glass': 'glass/brown',
  cotton: 'textile/cotton',
};

/** Mass units (UN/ECE Recommendation 20) the import converts to kilograms. */
export const MASS_UNITS: Readonly<Record<string, (v: number) => number>> = {
  KGM: (v) => v,
  GRM: (v) => v / 1000,
  TNE: (v) => v * 1000,
};

export interface UntpAssessment {
  /** Recyclable share of the product's mass, in [0, 1] (PassportAssessment.recyclability.share). */
  share: number;
  /** Material Circularity Indicator, in [0, 1] (PassportAssessment.mci.MCI). */
  mci: number;
  grade: PpwrGrade;
}

export interface UntpExportOptions {
  /** The credential's issuer: a DID or URI, a matterlog actor name (`host/path`), or {id, name}. */
  issuer?: string | { id: string; name: string };
  /** The credential's id (a URI); by default matterlog's URI for this version of the product's passport. */
  id?: string;
  assessment?: UntpAssessment;
}

export type UntpDocument = Record<string, unknown>;

export interface Issue {
  pointer: string;
  reason: string;
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const fraction = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
export const PPWR_GRADES: readonly PpwrGrade[] = ['A', 'B', 'C', 'non-recyclable'];
