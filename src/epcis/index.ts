/** GS1 EPCIS 2.0: validation, CBV 2.0 event hash IDs, vocabulary, units, index fields. Pure: no I/O. */
export { canonicalDigitalLink, gs1CheckDigit } from './digital-link.js';
export {
  type ClassField,
  type EpcField,
  type EventClass,
  type EventEpc,
  type EventIndexFields,
  eventIndexFields,
} from './event-fields.js';
export { EVENT_HASH_VERSION, eventHashId, eventHashIdFromPreHash, eventPreHash } from './event-hash.js';
export { ilmdOf, type LotMasterData } from './ilmd.js';
export { formatUtcMillis, type ParsedTimestamp, parseTimestamp } from './timestamps.js';
export type { EpcisEvent, EpcisLocation, EpcisQuantityElement, ValidatedDocument, ValidationIssue } from './types.js';
export { isMassUnit, MASS_UNITS, type MassUnit, toKilograms } from './units.js';
export {
  type EpcisValidators,
  epcisDocumentIssues,
  epcisEventIssues,
  epcisValidators,
  validateEpcisDocument,
  validateEpcisEvent,
} from './validate.js';
export * from './vocabulary.js';
