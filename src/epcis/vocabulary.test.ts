import { describe, expect, it } from 'vitest';
import schema from './gs1-epcis-json-schema.json' with { type: 'json' };
import {
  BIZSTEP_SORTING,
  CBV_BIZ_TRANSACTION_TYPES,
  CBV_BIZSTEPS,
  CBV_COMPONENTS,
  CBV_DISPOSITIONS,
  CBV_ERROR_REASONS,
  CBV_SOURCE_DEST_TYPES,
  GS1_MEASUREMENT_TYPES,
  GS1_SENSOR_ALERT_TYPES,
  MATTERLOG_VOC,
  MATTERLOG_VOCABULARY,
  normaliseBizStep,
  normaliseDisposition,
} from './vocabulary.js';

/** The enum of a definition of the form { anyOf: [uri, { enum }] }. */
function schemaWords(definition: string): unknown[] {
  const def = (schema.definitions as Record<string, { anyOf?: { enum?: unknown[] }[] }>)[definition];
  return def?.anyOf?.find((a) => a.enum !== undefined)?.enum ?? [];
}

describe('vocabulary', () => {
  it('has the word lists of the official schema', () => {
    expect(CBV_BIZSTEPS).toEqual(schemaWords('bizStep'));
    expect(CBV_DISPOSITIONS).toEqual(schemaWords('disposition'));
    expect(CBV_BIZ_TRANSACTION_TYPES).toEqual(schemaWords('bizTransaction-type'));
    expect(CBV_SOURCE_DEST_TYPES).toEqual(schemaWords('source-dest-type'));
    expect(CBV_ERROR_REASONS).toEqual(schemaWords('error-reason'));
    expect(CBV_COMPONENTS).toEqual(schemaWords('component'));
    expect(GS1_MEASUREMENT_TYPES).toEqual(schemaWords('measurementType'));
    expect(GS1_SENSOR_ALERT_TYPES).toEqual(schemaWords('sensorAlertType'));
  });

  it('defines recycling steps CBV 2.0 lacks as absolute URIs, each with a meaning', () => {
    expect(CBV_BIZSTEPS).not.toContain('sorting');
    expect(BIZSTEP_SORTING).toBe('https://w3id.org/matterlog/voc/BizStep-sorting');
    for (const t of MATTERLOG_VOCABULARY) {
      expect(t.uri.startsWith(MATTERLOG_VOC)).toBe(true);
      expect(t.meaning.length).toBeGreaterThan(10);
    }
    expect(new Set(MATTERLOG_VOCABULARY.map((t) => t.uri)).size).toBe(MATTERLOG_VOCABULARY.length);
  });

  it('normalises every spelling of a CBV step to the bare word and leaves other URIs alone', () => {
    expect(normaliseBizStep('receiving')).toBe('receiving');
    expect(normaliseBizStep('urn:epcglobal:cbv:bizstep:receiving')).toBe('receiving');
    expect(normaliseBizStep('https://ref.gs1.org/cbv/BizStep-receiving')).toBe('receiving');
    expect(normaliseBizStep(BIZSTEP_SORTING)).toBe(BIZSTEP_SORTING);
    expect(normaliseBizStep('https://ref.gs1.org/cbv/Disp-in_transit')).toBe('https://ref.gs1.org/cbv/Disp-in_transit');
    expect(normaliseDisposition('urn:epcglobal:cbv:disp:in_transit')).toBe('in_transit');
    expect(normaliseDisposition('https://ref.gs1.org/cbv/Disp-in_transit')).toBe('in_transit');
  });
});
