/**
 * The instance/lot master data (ILMD) matterlog reads from an event: the
 * lot's composition (`matterlog:composition`: {material id: mass fraction})
 * and contamination (`matterlog:contamination`: a mass fraction), under the
 * compact name the matterlog context defines or the full URI.
 */
const VOC = 'https://w3id.org/matterlog/voc/';

export interface LotMasterData {
  composition?: Record<string, number>;
  contamination?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function ilmdOf(event: Readonly<Record<string, unknown>>): LotMasterData {
  const ilmd = event['ilmd'];
  if (!isObject(ilmd)) return {};
  const composition = [ilmd['matterlog:composition'], ilmd[`${VOC}composition`]].find(isObject);
  const contamination = ilmd['matterlog:contamination'] ?? ilmd[`${VOC}contamination`];
  return {
    ...(composition ? { composition: composition as Record<string, number> } : {}),
    ...(typeof contamination === 'number' ? { contamination } : {}),
  };
}
