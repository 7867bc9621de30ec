import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import { failedCreateProblem } from '../workload-problems.js';

/**
 * A StatefulSet whose governing Service or volume StorageClass does not exist, or that cannot create its pods.
 */
export const statefulSetAnalyzer: Analyzer<'StatefulSet'> = {
  name: 'StatefulSet',
  kind: 'StatefulSet',
  analyze(sts, snapshot) {
    const desired = sts.spec?.replicas ?? 1;
    if (desired === 0) return [];
    const namespace = sts.metadata?.namespace;
    const problems: Problem[] = [];
    const serviceName = sts.spec?.serviceName;
    if (serviceName && !snapshot.get('Service', namespace, serviceName)) {
      problems.push({
        failureClass: 'MissingReference',
        severity: 'medium',
        reason: 'ServiceNotFound',
        summary: `governing Service "${serviceName}" does not exist: pods get no stable DNS names`,
        details: { refKind: 'Service', refName: serviceName, field: 'spec.serviceName' },
        eventReasons: [],
      });
    }
    for (const template of sts.spec?.volumeClaimTemplates ?? []) {
      const className = template.spec?.storageClassName;
      if (className && !snapshot.get('StorageClass', undefined, className)) {
        problems.push({
          failureClass: 'MissingReference',
          severity: 'high',
          reason: 'StorageClassNotFound',
          summary: `volumeClaimTemplate "${template.metadata?.name}" uses StorageClass "${className}", which does not exist`,
          details: {
            refKind: 'StorageClass',
            refName: className,
            field: `spec.volumeClaimTemplates[${template.metadata?.name}].spec.storageClassName`,
          },
          eventReasons: [],
        });
      }
    }
    if ((sts.status?.replicas ?? 0) < desired) {
      const created = failedCreateProblem(sts, snapshot, sts.status?.conditions);
      if (created) problems.push(created);
    }
    return problems;
  },
};
