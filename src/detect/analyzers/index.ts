import type { Analyzer } from '../analyzer.js';
import { configReferencesAnalyzer } from './config-references.js';
import { cronJobAnalyzer } from './cron-job.js';
import { daemonSetAnalyzer } from './daemon-set.js';
import { deploymentAnalyzer } from './deployment.js';
import { hpaAnalyzer } from './hpa.js';
import { ingressAnalyzer } from './ingress.js';
import { jobAnalyzer } from './job.js';
import { logAnalyzer } from './log.js';
import { networkPolicyAnalyzer } from './network-policy.js';
import { nodeAnalyzer } from './node.js';
import { pdbAnalyzer } from './pdb.js';
import { podAnalyzer } from './pod.js';
import { pvcAnalyzer } from './pvc.js';
import { replicaSetAnalyzer } from './replica-set.js';
import { resourceQuotaAnalyzer } from './resource-quota.js';
import { serviceAnalyzer } from './service.js';
import { statefulSetAnalyzer } from './stateful-set.js';
import { storageAnalyzer } from './storage.js';
import { mutatingWebhookAnalyzer, validatingWebhookAnalyzer } from './webhook.js';

/** Every analyzer, in one table. Adding a kind is one file and one line here. */
export const ANALYZERS: readonly Analyzer[] = [
  podAnalyzer,
  logAnalyzer,
  configReferencesAnalyzer,
  deploymentAnalyzer,
  replicaSetAnalyzer,
  statefulSetAnalyzer,
  daemonSetAnalyzer,
  jobAnalyzer,
  cronJobAnalyzer,
  serviceAnalyzer,
  ingressAnalyzer,
  pvcAnalyzer,
  storageAnalyzer,
  nodeAnalyzer,
  hpaAnalyzer,
  pdbAnalyzer,
  networkPolicyAnalyzer,
  validatingWebhookAnalyzer,
  mutatingWebhookAnalyzer,
  resourceQuotaAnalyzer,
];
