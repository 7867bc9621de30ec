import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import { eventLastSeen, isWarning } from '../events.js';
import type { Problem } from '../finding.js';
import type { ClusterSnapshot } from '../snapshot.js';
import { MINUTE, toMs } from '../time.js';

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
// Dynamic provisioning usually takes seconds; a claim pending longer than this without an error is stuck.
const PENDING_GRACE = 5 * MINUTE;

function usedByPod(pvc: V1PersistentVolumeClaim, snapshot: ClusterSnapshot): boolean {
  const name = pvc.metadata?.name;
  return snapshot
    .list('Pod', pvc.metadata?.namespace)
    .some((p) => p.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === name));
}

function pending(
  pvc: V1PersistentVolumeClaim,
  reason: string,
  summary: string,
  details: Record<string, string>,
): Problem {
  return {
    failureClass: 'PVCPending',
    severity: 'high',
    reason,
    summary,
    details: { ...details, requested: pvc.spec?.resources?.requests?.storage ?? '' },
    status: { phase: pvc.status?.phase ?? 'Pending' },
    eventReasons: ['ProvisioningFailed', 'FailedBinding'],
  };
}

/**
 * A claim that will not bind: its StorageClass does not exist, no default class can serve it, the provisioner
 * fails, or it has been pending too long. A claim waiting for its first consumer is not stuck.
 */
export const pvcAnalyzer: Analyzer<'PersistentVolumeClaim'> = {
  name: 'PersistentVolumeClaim',
  kind: 'PersistentVolumeClaim',
  analyze(pvc, snapshot) {
    const phase = pvc.status?.phase;
    if (phase === 'Lost') {
      return [
        {
          failureClass: 'PVCLost',
          severity: 'high',
          reason: 'ClaimLost',
          summary: `claim lost its volume "${pvc.spec?.volumeName ?? ''}": the PersistentVolume was deleted`,
          details: { volume: pvc.spec?.volumeName ?? '' },
          status: { phase },
        },
      ];
    }
    if (phase !== 'Pending' || pvc.metadata?.deletionTimestamp) return [];
    const className = pvc.spec?.storageClassName;
    if (className) {
      const sc = snapshot.get('StorageClass', undefined, className);
      if (!sc) {
        return [
          pending(pvc, 'StorageClassNotFound', `claim is Pending: StorageClass "${className}" does not exist`, {
            storageClass: className,
          }),
        ];
      }
    } else if (className === undefined && !pvc.spec?.volumeName) {
      const hasDefault = snapshot
        .list('StorageClass')
        .some((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
      if (!hasDefault) {
        return [
          pending(
            pvc,
            'NoDefaultStorageClass',
            'claim is Pending: it names no StorageClass and the cluster has no default one',
            {
              storageClass: '',
            },
          ),
        ];
      }
    }
    const now = snapshot.now().getTime();
    const events = snapshot.eventsFor(pvc.metadata?.uid ?? '');
    const failed = events.find((e) => isWarning(e) && e.reason === 'ProvisioningFailed');
    if (failed && now - (eventLastSeen(failed) ?? 0) <= PENDING_GRACE) {
      return [
        pending(pvc, 'ProvisioningFailed', `claim is Pending: provisioning failed: ${failed.message ?? ''}`, {
          storageClass: className ?? '',
          message: failed.message ?? '',
        }),
      ];
    }
    const sc = className ? snapshot.get('StorageClass', undefined, className) : undefined;
    if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && !usedByPod(pvc, snapshot)) return [];
    const created = toMs(pvc.metadata?.creationTimestamp);
    if (created === undefined || now - created < PENDING_GRACE) return [];
    const latest = events[0]?.message;
    return [
      pending(
        pvc,
        'Pending',
        `claim has been Pending for over ${PENDING_GRACE / MINUTE} minutes${latest ? `: ${latest}` : ''}`,
        {
          storageClass: className ?? '',
          ...(latest ? { message: latest } : {}),
        },
      ),
    ];
  },
};
