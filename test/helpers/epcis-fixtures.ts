/**
 * Small, valid EPCIS 2.0 documents about recycling, built per test so each
 * test states the facts it relies on (times, places, quantities).
 */
export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

export const PLANT = 'urn:epc:id:sgln:4012345.00007.0';
export const DEPOT = 'urn:epc:id:sgln:4012345.00001.0';
export const PET_BALES = 'urn:epc:class:lgtin:4012345.099001.BALE42';
export const PET_FLAKES = 'urn:epc:class:lgtin:4012345.099002.FLK7';

export interface EventSpec {
  type?: 'ObjectEvent' | 'TransformationEvent';
  eventTime?: string;
  bizStep?: string;
  disposition?: string;
  location?: string;
  epcs?: string[];
  quantity?: { epcClass: string; quantity: number; uom?: string };
  extra?: Record<string, unknown>;
}

export function event(spec: EventSpec = {}): Record<string, unknown> {
  const location = spec.location ?? PLANT;
  if (spec.type === 'TransformationEvent') {
    return {
      type: 'TransformationEvent',
      eventTime: spec.eventTime ?? '2045-03-01T09:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      inputQuantityList: [{ epcClass: PET_BALES, quantity: 2, uom: 'TNE' }],
      outputQuantityList: [{ epcClass: PET_FLAKES, quantity: 1700, uom: 'KGM' }],
      bizStep: spec.bizStep ?? 'https://w3id.org/matterlog/voc/BizStep-mechanical_recycling',
      readPoint: { id: location },
      bizLocation: { id: location },
      ...spec.extra,
    };
  }
  return {
    type: 'ObjectEvent',
    eventTime: spec.eventTime ?? '2045-03-01T09:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    epcList: spec.epcs ?? [],
    action: 'OBSERVE',
    bizStep: spec.bizStep ?? 'receiving',
    disposition: spec.disposition ?? 'in_progress',
    readPoint: { id: location },
    bizLocation: { id: location },
    quantityList: [spec.quantity ?? { epcClass: PET_BALES, quantity: 1.5, uom: 'TNE' }],
    ...spec.extra,
  };
}

export function document(
  events: Record<string, unknown>[],
  context: unknown[] = [EPCIS_CONTEXT],
): Record<string, unknown> {
  return {
    '@context': context,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2045-03-01T10:00:00.000Z',
    epcisBody: { eventList: events },
  };
}
