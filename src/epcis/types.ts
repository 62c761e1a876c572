/** The shapes of validated EPCIS 2.0 JSON, as far as matterlog reads them. */

/** One problem with submitted JSON: where (RFC 6901 pointer into what was sent) and what is wrong. */
export interface ValidationIssue {
  pointer: string;
  reason: string;
}

export interface EpcisQuantityElement {
  epcClass: string;
  quantity?: number;
  uom?: string;
}

export interface EpcisLocation {
  id: string;
  [extension: string]: unknown;
}

/**
 * An event that passed `validateEpcisEvent`. Only the fields matterlog indexes
 * are typed; extensions and the rest stay `unknown` and are kept as sent.
 */
export interface EpcisEvent {
  type: string;
  eventTime: string;
  eventTimeZoneOffset: string;
  eventID?: string;
  recordTime?: string;
  action?: 'OBSERVE' | 'ADD' | 'DELETE';
  bizStep?: string;
  disposition?: string;
  readPoint?: EpcisLocation;
  bizLocation?: EpcisLocation;
  epcList?: string[];
  parentID?: string;
  childEPCs?: string[];
  inputEPCList?: string[];
  outputEPCList?: string[];
  quantityList?: EpcisQuantityElement[];
  childQuantityList?: EpcisQuantityElement[];
  inputQuantityList?: EpcisQuantityElement[];
  outputQuantityList?: EpcisQuantityElement[];
  [field: string]: unknown;
}

export interface ValidatedDocument {
  events: EpcisEvent[];
  /** The document's `@context`, which the events' prefixed names and their hash IDs need. */
  context: unknown;
}
