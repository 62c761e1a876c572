/**
 * Product passports in the shape of the UN Transparency Protocol (UNTP)
 * Digital Product Passport, release 0.6.1: a W3C Verifiable Credential whose
 * subject is a `ProductPassport` (the JSON Schema, JSON-LD context and sample
 * instance of github.com/uncefact/spec-untp, tag v0.6.1,
 * data-models/untp-dpp/artefacts/).
 *
 * Where a matterlog field has a UNTP counterpart it is written there: the
 * product's GTIN as its GS1 Digital Link, its declared mass as its weight, each
 * component as a `materialsProvenance` entry (material, mass, mass fraction,
 * recycled mass fraction), and, given an assessment, the circularity scorecard
 * and the PPWR grade as a conformity claim. What UNTP has no place for (the
 * version chain, the mass tolerance, the joins, component ids, design
 * features, lifetimes) goes into two members under the `matterlog:` prefix,
 * defined by matterlog's own JSON-LD context (MATTERLOG_UNTP_CONTEXT), so
 * that an export and an import give back the passport exactly.
 *
 * On import the UNTP fields are the source for everything they correspond to;
 * the extension supplies only the rest, and must agree with them where the two
 * overlap. Every problem is reported with a JSON pointer into the UNTP
 * document, including those `checkPassport` finds in the result.
 */
export { toUntp, untpCredentialId } from './untp-export.js';
export { fromUntp } from './untp-import.js';
export {
  EU_PACKAGING_MATERIAL_CODES,
  EU_PACKAGING_MATERIAL_SCHEME,
  MATERIAL_NAMES,
  MATTERLOG_MATERIAL_SCHEME,
  MATTERLOG_UNTP_CONTEXT,
  MATTERLOG_UNTP_CONTEXT_URL,
  MATTERLOG_VOCAB,
  UNTP_DPP_CONTEXT,
  UNTP_DPP_VERSION,
  type UntpAssessment,
  type UntpDocument,
  type UntpExportOptions,
  VC_CONTEXT,
} from './untp-vocabulary.js';
