import type { Analyzer } from '../analyzer.js';

/** PersistentVolumes that failed reclamation or sit Released (data kept, but no claim can bind them). */
export const storageAnalyzer: Analyzer<'PersistentVolume'> = {
  name: 'Storage',
  kind: 'PersistentVolume',
  analyze(pv) {
    const phase = pv.status?.phase;
    if (phase !== 'Failed' && phase !== 'Released') return [];
    const claim = pv.spec?.claimRef ? `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : '';
    const message = pv.status?.message ?? '';
    return [
      {
        failureClass: 'VolumeFailed',
        severity: phase === 'Failed' ? 'medium' : 'low',
        reason: phase,
        summary:
          phase === 'Failed'
            ? `volume reclamation failed${message ? `: ${message}` : ''}`
            : `volume is Released from claim ${claim} (reclaim policy ${pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}): it keeps its data but cannot be bound again until an admin clears claimRef`,
        details: {
          phase,
          ...(claim ? { claim } : {}),
          reclaimPolicy: pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain',
          ...(pv.spec?.storageClassName ? { storageClass: pv.spec.storageClassName } : {}),
          ...(message ? { message } : {}),
        },
        status: { phase, ...(message ? { message } : {}) },
        ...(pv.status?.lastPhaseTransitionTime ? { since: pv.status.lastPhaseTransitionTime } : {}),
      },
    ];
  },
};
