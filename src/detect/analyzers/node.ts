import { humanDuration } from '../../kube/human-duration.js';
import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import { toMs } from '../time.js';

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

/** A node that is not Ready, or under memory, disk or PID pressure. Cordoning is a decision, not a failure. */
export const nodeAnalyzer: Analyzer<'Node'> = {
  name: 'Node',
  kind: 'Node',
  analyze(node, snapshot) {
    const problems: Problem[] = [];
    const now = snapshot.now().getTime();
    const conditions = node.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') {
      const since = toMs(ready.lastTransitionTime);
      const pods = snapshot.list('Pod').filter((p) => p.spec?.nodeName === node.metadata?.name).length;
      problems.push({
        failureClass: 'NodeNotReady',
        severity: 'critical',
        reason: ready.status === 'Unknown' ? 'NodeStatusUnknown' : (ready.reason ?? 'NotReady'),
        summary: `node is ${ready.status === 'Unknown' ? 'unreachable (Ready=Unknown)' : 'NotReady'}${since !== undefined ? ` for ${humanDuration(now - since)}` : ''}: ${ready.message ?? ready.reason ?? ''}; ${pods} pod(s) scheduled on it`,
        details: { ready: ready.status, reason: ready.reason ?? '', message: ready.message ?? '', pods },
        status: { conditions: [ready] },
        ...(ready.lastTransitionTime ? { since: ready.lastTransitionTime } : {}),
      });
    }
    for (const c of conditions) {
      if (!PRESSURE.includes(c.type) || c.status !== 'True') continue;
      problems.push({
        failureClass: 'NodePressure',
        severity: 'high',
        reason: c.type,
        summary: `node reports ${c.type}: ${c.message ?? c.reason ?? ''}`,
        details: { condition: c.type, reason: c.reason ?? '', message: c.message ?? '' },
        status: { conditions: [c] },
        ...(c.lastTransitionTime ? { since: c.lastTransitionTime } : {}),
      });
    }
    return problems;
  },
};
