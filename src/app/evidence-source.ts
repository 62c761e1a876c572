/**
 * Evidence bundles built from a running log: its latest checkpoint, entries
 * and inclusion proofs from the log reader, and the registry statements about
 * the signers from the read model.
 */

import { buildEvidence, type EvidenceBundle, type EvidenceSource } from '../audit/evidence.js';
import { MatterlogError } from '../ledger/errors.js';
import type { LogService } from './log-service.js';

export function evidenceSource(log: LogService): EvidenceSource {
  const operator = log.config.operator;
  if (!operator)
    throw new MatterlogError('config', 'this log has no operator key, so no registry to prove signatures against');
  return {
    log: { origin: log.identity.origin, vkey: log.identity.vkey },
    operator,
    async checkpoint() {
      const cp = await log.reader.checkpoint();
      return { note: cp.note, size: cp.size };
    },
    async entry(index) {
      const [e] = await log.store.readEntries(index, index + 1);
      if (!e) throw new MatterlogError('not_found', `log index ${index} has no entry`);
      return e;
    },
    async inclusionProof(index, size) {
      return (await log.reader.inclusionProof(index, size)).proof;
    },
    async registryEntries(actors, size) {
      const wanted = new Set(actors);
      const out = new Set<number>();
      for (const a of await log.readModel.actors()) {
        if (!wanted.has(a.name)) continue;
        if (a.index < size) out.add(a.index);
        for (const k of a.keys) {
          if (k.index < size) out.add(k.index);
          if (k.revokedIndex !== null && k.revokedIndex < size) out.add(k.revokedIndex);
        }
      }
      return [...out].sort((x, y) => x - y);
    },
  };
}

/** The bundle for these log indices. */
export async function evidenceFor(log: LogService, indices: readonly number[]): Promise<EvidenceBundle> {
  return buildEvidence(evidenceSource(log), indices);
}
