import { labelSelectorMatches } from '../../kube/label-selector.js';
import type { Analyzer } from '../analyzer.js';
import { uniqueRefs } from '../kinds.js';
import { formatSelector } from '../labels.js';
import { owningWorkload } from '../owners.js';
import { isTerminalPod } from '../pod-helpers.js';

/**
 * A PodDisruptionBudget that protects nothing (selects no pods), that can never allow a disruption (drains hang
 * forever even with every pod healthy), or that currently blocks evictions because pods are unhealthy.
 */
export const pdbAnalyzer: Analyzer<'PodDisruptionBudget'> = {
  name: 'PodDisruptionBudget',
  kind: 'PodDisruptionBudget',
  analyze(pdb, snapshot) {
    const status = pdb.status;
    if (!status || (status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) return [];
    const selector = formatSelector(pdb.spec?.selector);
    const budget =
      pdb.spec?.minAvailable !== undefined
        ? `minAvailable ${pdb.spec.minAvailable}`
        : `maxUnavailable ${pdb.spec?.maxUnavailable}`;
    const details = {
      selector,
      budget,
      expectedPods: status.expectedPods,
      currentHealthy: status.currentHealthy,
      desiredHealthy: status.desiredHealthy,
      disruptionsAllowed: status.disruptionsAllowed,
    };
    const excerpt = { ...details, conditions: status.conditions ?? [] };
    if (status.expectedPods === 0) {
      return [
        {
          failureClass: 'PDBMisconfigured',
          severity: 'low',
          reason: 'NoPods',
          summary: `selector ${selector || '(empty)'} matches no pods: the budget protects nothing`,
          details,
          status: excerpt,
        },
      ];
    }
    if (status.disruptionsAllowed > 0) return [];
    if (status.currentHealthy >= status.expectedPods) {
      return [
        {
          failureClass: 'PDBMisconfigured',
          severity: 'medium',
          reason: 'ZeroDisruptionsAllowed',
          summary: `${budget} allows no disruption even with all ${status.expectedPods} pods healthy: node drains will hang`,
          details,
          status: excerpt,
        },
      ];
    }
    if (status.currentHealthy >= status.desiredHealthy) return [];
    const pods = snapshot
      .list('Pod', pdb.metadata?.namespace)
      .filter((p) => !isTerminalPod(p) && labelSelectorMatches(pdb.spec?.selector, p.metadata?.labels));
    return [
      {
        failureClass: 'PDBBlocking',
        severity: 'low',
        reason: 'InsufficientPods',
        summary: `only ${status.currentHealthy} of ${status.desiredHealthy} required pods are healthy: evictions and node drains are blocked`,
        details,
        status: excerpt,
        partOf: uniqueRefs(pods.map((p) => owningWorkload('Pod', p, snapshot))),
      },
    ];
  },
};
