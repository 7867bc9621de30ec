// A k8sgpt-style `analyze` for the detection bench, written from k8sgpt's own analyzers (pkg/analyzer/*.go and
// pkg/util/util.go, main branch 2025): its 14 default analyzers run concurrently (a semaphore of
// --max-concurrency, default 10), each lists its own kind with no shared cache and no informers, then makes its
// per-object calls one after another: the Pod analyzer resolves every failing pod's parent with a GET per owner
// (GetParent: ReplicaSet, then Deployment) and fetches the latest event by name (FetchLatestEvent) for containers
// still being created or running unready; the Service analyzer lists Endpoints, GETs the Service of each empty
// one, and lists the events of *every* Service by field selector; the ConfigMap analyzer lists all pods again.
// What it reports is kept (the failure texts), so the bench can check both tools find the same broken pods.
// Not modelled: client-go's client-side rate limiter (5 requests/s, burst 10, as k8sgpt sets no QPS), which the
// bench reports as a computed figure instead of waiting it out; and the OpenAPI doc lookup of `--with-doc`.

import * as k8s from '@kubernetes/client-node';

export interface BaselineResult {
  readonly kind: string;
  /** namespace/name (name alone for cluster-scoped kinds). */
  readonly name: string;
  readonly errors: readonly string[];
  /** What GetParent found ("Deployment/checkout"), or "". */
  readonly parent: string;
}

export interface BaselineRun {
  readonly results: readonly BaselineResult[];
  /** Analyzers that failed, as k8sgpt prints them ("[Pod] ..."). */
  readonly errors: readonly string[];
}

interface Clients {
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly batch: k8s.BatchV1Api;
  readonly net: k8s.NetworkingV1Api;
  readonly storage: k8s.StorageV1Api;
  readonly admission: k8s.AdmissionregistrationV1Api;
}

type Analyzer = (c: Clients) => Promise<BaselineResult[]>;

const ERROR_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'CreateContainerConfigError',
  'PreCreateHookError',
  'CreateContainerError',
  'PreStartHookError',
  'RunContainerError',
  'ImageInspectError',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
]);
const EVENT_ERROR_REASONS = new Set(['FailedCreatePodSandBox', 'FailedMount']);

const key = (m: k8s.V1ObjectMeta | undefined) => (m?.namespace ? `${m.namespace}/${m.name}` : (m?.name ?? ''));
const isNotFound = (err: unknown) => err instanceof k8s.ApiException && err.code === 404;

async function exists(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** util.FetchLatestEvent: every event whose involvedObject.name matches, by name only, newest by lastTimestamp. */
async function fetchLatestEvent(c: Clients, namespace: string, name: string): Promise<k8s.CoreV1Event | undefined> {
  const list = await c.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  let latest: k8s.CoreV1Event | undefined;
  for (const e of list.items) {
    if (!latest || (e.lastTimestamp?.getTime() ?? 0) > (latest.lastTimestamp?.getTime() ?? 0)) latest = e;
  }
  return latest;
}

/** util.GetParent: one GET per owner up the chain; the first owner of a known kind decides. */
async function getParent(c: Clients, meta: k8s.V1ObjectMeta | undefined): Promise<string> {
  const namespace = meta?.namespace ?? '';
  for (const ref of meta?.ownerReferences ?? []) {
    const name = ref.name;
    const read: Record<string, () => Promise<{ metadata?: k8s.V1ObjectMeta }>> = {
      ReplicaSet: () => c.apps.readNamespacedReplicaSet({ name, namespace }),
      Deployment: () => c.apps.readNamespacedDeployment({ name, namespace }),
      StatefulSet: () => c.apps.readNamespacedStatefulSet({ name, namespace }),
      DaemonSet: () => c.apps.readNamespacedDaemonSet({ name, namespace }),
      Ingress: () => c.net.readNamespacedIngress({ name, namespace }),
    };
    const get = read[ref.kind];
    if (!get) continue;
    try {
      const owner = await get();
      if (owner.metadata?.ownerReferences?.length) return getParent(c, owner.metadata);
      return `${ref.kind}/${owner.metadata?.name}`;
    } catch {
      return '';
    }
  }
  return '';
}

async function containerFailures(
  c: Clients,
  statuses: readonly k8s.V1ContainerStatus[] | undefined,
  pod: k8s.V1Pod,
): Promise<string[]> {
  const out: string[] = [];
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const phase = pod.status?.phase;
  for (const s of statuses ?? []) {
    const waiting = s.state?.waiting;
    if (waiting) {
      if (waiting.reason === 'ContainerCreating' && phase === 'Pending') {
        const evt = await fetchLatestEvent(c, namespace, name);
        if (evt?.message && EVENT_ERROR_REASONS.has(evt.reason ?? '')) out.push(evt.message);
      } else if (waiting.reason === 'CrashLoopBackOff' && s.lastState?.terminated) {
        out.push(
          `the last termination reason is ${s.lastState.terminated.reason ?? ''} container=${s.name} pod=${name}`,
        );
      } else if (ERROR_REASONS.has(waiting.reason ?? '') && waiting.message) {
        out.push(waiting.message);
      }
    } else if (!s.ready && phase === 'Running') {
      const evt = await fetchLatestEvent(c, namespace, name);
      if (evt?.reason === 'Unhealthy' && evt.message) out.push(evt.message);
    }
  }
  return out;
}

const pod: Analyzer = async (c) => {
  const list = await c.core.listPodForAllNamespaces();
  const failing: { pod: k8s.V1Pod; errors: string[] }[] = [];
  for (const p of list.items) {
    const errors: string[] = [];
    if (p.status?.phase === 'Pending') {
      for (const cond of p.status.conditions ?? [])
        if (cond.type === 'PodScheduled' && cond.reason === 'Unschedulable' && cond.message) errors.push(cond.message);
    }
    errors.push(...(await containerFailures(c, p.status?.initContainerStatuses, p)));
    errors.push(...(await containerFailures(c, p.status?.containerStatuses, p)));
    if (errors.length > 0) failing.push({ pod: p, errors });
  }
  const results: BaselineResult[] = [];
  for (const f of failing) {
    results.push({
      kind: 'Pod',
      name: key(f.pod.metadata),
      errors: f.errors,
      parent: await getParent(c, f.pod.metadata),
    });
  }
  return results;
};

const deployment: Analyzer = async (c) => {
  const list = await c.apps.listDeploymentForAllNamespaces();
  return list.items
    .filter((d) => (d.spec?.replicas ?? 1) !== (d.status?.replicas ?? 0))
    .map((d) => ({
      kind: 'Deployment',
      name: key(d.metadata),
      parent: '',
      errors: [
        `Deployment ${key(d.metadata)} has ${d.spec?.replicas ?? 1} replicas but ${d.status?.replicas ?? 0} are available`,
      ],
    }));
};

const replicaSet: Analyzer = async (c) => {
  const list = await c.apps.listReplicaSetForAllNamespaces();
  const results: BaselineResult[] = [];
  for (const rs of list.items) {
    if ((rs.status?.replicas ?? 0) !== 0) continue;
    const errors = (rs.status?.conditions ?? [])
      .filter((cond) => cond.type === 'ReplicaFailure' && cond.reason === 'FailedCreate')
      .map((cond) => cond.message ?? '');
    if (errors.length > 0)
      results.push({ kind: 'ReplicaSet', name: key(rs.metadata), errors, parent: await getParent(c, rs.metadata) });
  }
  return results;
};

const pvc: Analyzer = async (c) => {
  const list = await c.core.listPersistentVolumeClaimForAllNamespaces();
  const results: BaselineResult[] = [];
  for (const claim of list.items) {
    if (claim.status?.phase !== 'Pending') continue;
    const evt = await fetchLatestEvent(c, claim.metadata?.namespace ?? '', claim.metadata?.name ?? '');
    if (evt?.reason === 'ProvisioningFailed' && evt.message)
      results.push({ kind: 'PersistentVolumeClaim', name: key(claim.metadata), errors: [evt.message], parent: '' });
  }
  return results;
};

const service: Analyzer = async (c) => {
  const list = await c.core.listEndpointsForAllNamespaces();
  const results: BaselineResult[] = [];
  for (const ep of list.items) {
    const namespace = ep.metadata?.namespace ?? '';
    const name = ep.metadata?.name ?? '';
    const errors: string[] = [];
    if (!ep.subsets?.length) {
      if (ep.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader']) continue;
      let svc: k8s.V1Service;
      try {
        svc = await c.core.readNamespacedService({ name, namespace });
      } catch {
        continue;
      }
      for (const [k, v] of Object.entries(svc.spec?.selector ?? {}))
        errors.push(`Service has no endpoints, expected label ${k}=${v}`);
    } else {
      const notReady = ep.subsets.flatMap((s) => s.notReadyAddresses ?? []);
      if (notReady.length > 0) {
        const pods = notReady.map((a) => `${a.targetRef?.kind}/${a.targetRef?.name}`);
        errors.push(`Service has not ready endpoints, pods: [${pods.join(' ')}], expected ${notReady.length}`);
      }
    }
    const events = await c.core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.kind=Service,involvedObject.name=${name}`,
    });
    for (const e of events.items)
      if (e.type !== 'Normal' && e.involvedObject.kind === 'Service')
        errors.push(`Service ${namespace}/${name} has event ${e.message}`);
    if (errors.length > 0) results.push({ kind: 'Service', name: `${namespace}/${name}`, errors, parent: '' });
  }
  return results;
};

const ingress: Analyzer = async (c) => {
  const list = await c.net.listIngressForAllNamespaces();
  const results: BaselineResult[] = [];
  for (const ing of list.items) {
    const namespace = ing.metadata?.namespace ?? '';
    const errors: string[] = [];
    const className = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
    if (!className) errors.push(`Ingress ${key(ing.metadata)} does not specify an Ingress class.`);
    else if (!(await exists(() => c.net.readIngressClass({ name: className }))))
      errors.push(`Ingress uses the ingress class ${className} which does not exist.`);
    for (const rule of ing.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const name = path.backend.service?.name;
        if (name && !(await exists(() => c.core.readNamespacedService({ name, namespace }))))
          errors.push(`Ingress uses the service ${namespace}/${name} which does not exist.`);
      }
    }
    for (const tls of ing.spec?.tls ?? []) {
      const name = tls.secretName;
      if (name && !(await exists(() => c.core.readNamespacedSecret({ name, namespace }))))
        errors.push(`Ingress uses the secret ${namespace}/${name} as a TLS certificate which does not exist.`);
    }
    if (errors.length > 0) results.push({ kind: 'Ingress', name: key(ing.metadata), errors, parent: '' });
  }
  return results;
};

const statefulSet: Analyzer = async (c) => {
  const list = await c.apps.listStatefulSetForAllNamespaces();
  const results: BaselineResult[] = [];
  for (const sts of list.items) {
    const namespace = sts.metadata?.namespace ?? '';
    const errors: string[] = [];
    const svc = sts.spec?.serviceName ?? '';
    if (!(await exists(() => c.core.readNamespacedService({ name: svc, namespace }))))
      errors.push(`StatefulSet uses the service ${namespace}/${svc} which does not exist.`);
    for (const t of sts.spec?.volumeClaimTemplates ?? []) {
      const name = t.spec?.storageClassName;
      if (name && !(await exists(() => c.storage.readStorageClass({ name }))))
        errors.push(`StatefulSet uses the storage class ${name} which does not exist.`);
    }
    if (errors.length > 0) results.push({ kind: 'StatefulSet', name: key(sts.metadata), errors, parent: '' });
  }
  return results;
};

const cronJob: Analyzer = async (c) => {
  const list = await c.batch.listCronJobForAllNamespaces();
  return list.items
    .filter((cj) => cj.spec?.suspend || (cj.spec?.startingDeadlineSeconds ?? 0) < 0)
    .map((cj) => ({
      kind: 'CronJob',
      name: key(cj.metadata),
      parent: '',
      errors: [`CronJob ${cj.metadata?.name} is suspended or has a negative starting deadline`],
    }));
};

const node: Analyzer = async (c) => {
  const list = await c.core.listNode();
  return list.items.flatMap((n) => {
    const errors = (n.status?.conditions ?? [])
      .filter((cond) => (cond.type === 'Ready' ? cond.status !== 'True' : cond.status !== 'False'))
      .map((cond) => `${n.metadata?.name} has condition of type ${cond.type}, reason ${cond.reason}: ${cond.message}`);
    return errors.length > 0 ? [{ kind: 'Node', name: n.metadata?.name ?? '', errors, parent: '' }] : [];
  });
};

type Webhooks = {
  metadata?: k8s.V1ObjectMeta;
  webhooks?: { name: string; clientConfig: k8s.AdmissionregistrationV1WebhookClientConfig }[];
};

/** Both webhook analyzers: GET each webhook's Service, list the pods it selects, flag none or not Running. */
function webhookAnalyzer(kind: string, list: (c: Clients) => Promise<{ items: Webhooks[] }>): Analyzer {
  return async (c) => {
    const results: BaselineResult[] = [];
    for (const cfg of (await list(c)).items) {
      for (const hook of cfg.webhooks ?? []) {
        const ref = hook.clientConfig.service;
        if (!ref) continue;
        const errors: string[] = [];
        let svc: k8s.V1Service | undefined;
        try {
          svc = await c.core.readNamespacedService({ name: ref.name, namespace: ref.namespace });
        } catch {
          errors.push(`${kind} ${hook.name} uses the service ${ref.namespace}/${ref.name} which does not exist.`);
        }
        if (svc) {
          const selector = Object.entries(svc.spec?.selector ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(',');
          const pods = await c.core.listNamespacedPod({ namespace: ref.namespace, labelSelector: selector });
          if (pods.items.length === 0) errors.push(`${kind} ${hook.name} points to a service with no pods`);
          for (const p of pods.items)
            if (p.status?.phase !== 'Running')
              errors.push(`${kind} ${hook.name} points to an inactive pod ${p.metadata?.name}`);
        }
        if (errors.length > 0) results.push({ kind, name: hook.name, errors, parent: '' });
      }
    }
    return results;
  };
}

const job: Analyzer = async (c) => {
  const list = await c.batch.listJobForAllNamespaces();
  return list.items
    .filter((j) => j.spec?.suspend || (j.status?.failed ?? 0) > 0)
    .map((j) => ({
      kind: 'Job',
      name: key(j.metadata),
      parent: '',
      errors: [j.spec?.suspend ? `Job ${j.metadata?.name} is suspended` : `Job ${j.metadata?.name} has failed`],
    }));
};

const configMap: Analyzer = async (c) => {
  const maps = await c.core.listConfigMapForAllNamespaces();
  const pods = await c.core.listPodForAllNamespaces();
  const used = new Set<string>();
  for (const p of pods.items) {
    const ns = p.metadata?.namespace ?? '';
    for (const v of p.spec?.volumes ?? []) if (v.configMap) used.add(`${ns}/${v.configMap.name}`);
    for (const ctr of p.spec?.containers ?? []) {
      for (const e of ctr.envFrom ?? []) if (e.configMapRef) used.add(`${ns}/${e.configMapRef.name}`);
      for (const e of ctr.env ?? [])
        if (e.valueFrom?.configMapKeyRef) used.add(`${ns}/${e.valueFrom.configMapKeyRef.name}`);
    }
  }
  return maps.items.flatMap((cm) => {
    const errors: string[] = [];
    if (!used.has(key(cm.metadata)))
      errors.push(`ConfigMap ${cm.metadata?.name} is not used by any pods in the namespace`);
    if (Object.keys(cm.data ?? {}).length === 0 && Object.keys(cm.binaryData ?? {}).length === 0)
      errors.push(`ConfigMap ${cm.metadata?.name} is empty`);
    return errors.length > 0 ? [{ kind: 'ConfigMap', name: key(cm.metadata), errors, parent: '' }] : [];
  });
};

const daemonSet: Analyzer = async (c) => {
  const list = await c.apps.listDaemonSetForAllNamespaces();
  return list.items
    .filter((ds) => (ds.status?.numberUnavailable ?? 0) > 0 || (ds.status?.numberMisscheduled ?? 0) > 0)
    .map((ds) => ({
      kind: 'DaemonSet',
      name: key(ds.metadata),
      parent: '',
      errors: [`DaemonSet ${key(ds.metadata)} has ${ds.status?.numberUnavailable ?? 0} unavailable pods`],
    }));
};

/** k8sgpt's default analyzer set, by the names `k8sgpt filters list` shows. */
export const K8SGPT_DEFAULT_ANALYZERS: Readonly<Record<string, Analyzer>> = {
  Pod: pod,
  Deployment: deployment,
  ReplicaSet: replicaSet,
  PersistentVolumeClaim: pvc,
  Service: service,
  Ingress: ingress,
  StatefulSet: statefulSet,
  CronJob: cronJob,
  Node: node,
  ValidatingWebhookConfiguration: webhookAnalyzer('ValidatingWebhook', (c) =>
    c.admission.listValidatingWebhookConfiguration(),
  ),
  MutatingWebhookConfiguration: webhookAnalyzer('MutatingWebhook', (c) =>
    c.admission.listMutatingWebhookConfiguration(),
  ),
  Job: job,
  ConfigMap: configMap,
  DaemonSet: daemonSet,
};

/** `k8sgpt analyze` without --explain: every default analyzer, at most `maxConcurrency` at a time. */
export async function runK8sgptBaseline(kc: k8s.KubeConfig, maxConcurrency = 10): Promise<BaselineRun> {
  const c: Clients = {
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    net: kc.makeApiClient(k8s.NetworkingV1Api),
    storage: kc.makeApiClient(k8s.StorageV1Api),
    admission: kc.makeApiClient(k8s.AdmissionregistrationV1Api),
  };
  const results: BaselineResult[] = [];
  const errors: string[] = [];
  const queue = Object.entries(K8SGPT_DEFAULT_ANALYZERS);
  await Promise.all(
    Array.from({ length: maxConcurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [name, analyze] = next;
        try {
          results.push(...(await analyze(c)));
        } catch (err) {
          errors.push(`[${name}] ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }),
  );
  return { results, errors };
}
