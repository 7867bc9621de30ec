// The workload side of the simulated kube-controller-manager, and the admission plugins that enforce
// namespace policy. The lead wires these into startSimulator; nothing else in the product imports them.

import { limitRangeAdmission } from '../admission/limit-range-admission.js';
import { quotaAdmission } from '../admission/quota-admission.js';
import type { ObjectStore } from '../store/object-store.js';
import { clusterBootstrap } from './cluster-bootstrap.js';
import type { Controller, ControllerContext } from './controller.js';
import { cronJobController } from './cronjob-controller.js';
import { daemonSetController } from './daemonset-controller.js';
import { deploymentController } from './deployment-controller.js';
import { endpointsController } from './endpoints-controller.js';
import { hpaController, type PodMetricsSource } from './hpa-controller.js';
import { jobController } from './job-controller.js';
import { ObjectIndex } from './object-index.js';
import { persistentVolumeController } from './persistentvolume-controller.js';
import { replicaSetController } from './replicaset-controller.js';
import { resourceQuotaController } from './resourcequota-controller.js';
import { serviceAllocation } from './service-ip-allocator.js';
import { statefulSetController } from './statefulset-controller.js';
import { storageAdmission } from './storage-admission.js';

export { DEFAULT_PROVISIONER, DEFAULT_STORAGE_CLASS } from './cluster-bootstrap.js';
export type { PodMetricsSource } from './hpa-controller.js';

export interface WorkloadOptions {
  /** Pod usage for the HPA (the simulated kubelet's); without it the HPA reads `sim.kubemend.io/cpu-millis`. */
  readonly metrics?: PodMetricsSource;
}

/** Every workload controller, sharing one informer-style index of the store. */
export function workloadControllers(ctx: ControllerContext, options: WorkloadOptions = {}): Controller[] {
  const index = new ObjectIndex(ctx.store);
  const controllers = [
    clusterBootstrap(ctx),
    deploymentController(ctx, index),
    replicaSetController(ctx, index),
    statefulSetController(ctx, index),
    daemonSetController(ctx, index),
    jobController(ctx, index),
    cronJobController(ctx, index),
    endpointsController(ctx, index),
    persistentVolumeController(ctx, index),
    resourceQuotaController(ctx, index),
    hpaController(ctx, index, options.metrics),
  ];
  return controllers.map(guarded);
}

/**
 * keysFor runs inside the store's change feed, i.e. inside whoever wrote: a controller bug mapping an odd
 * object must not turn a user's `kubectl apply` into a 500, so a failing mapping just maps to nothing.
 */
function guarded(c: Controller): Controller {
  return {
    ...c,
    keysFor(e) {
      try {
        return c.keysFor(e);
      } catch (err) {
        if (process.env.KUBEMEND_SIM_DEBUG)
          console.error(`controller ${c.name} could not map ${e.type} ${e.resource.plural}:`, err);
        return [];
      }
    },
  };
}

/**
 * The admission plugins that sit between a request and the store, in kube-apiserver's order: LimitRanger
 * (defaults, then min/max), ServiceIP/NodePort allocation, DefaultStorageClass and claim resize, and
 * ResourceQuota last so it counts the defaulted requests. Install after defaulting and validation.
 */
export function installPolicyAdmission(store: ObjectStore): void {
  store.addAdmission(limitRangeAdmission);
  store.addAdmission(serviceAllocation);
  store.addAdmission(storageAdmission);
  store.addAdmission(quotaAdmission);
}
