// The key facts of an object, the way `kubectl describe` prints them: what a diagnosis reads (images, states and
// why the last one ended, restarts, resources, probes, conditions, node, owner) without the full object's YAML,
// which costs the model about four times as many tokens and mostly repeats defaults.

import type * as k8s from '@kubernetes/client-node';

/** Long enough for a shell one-liner; a multi-line script is shortened (`full: true` shows it whole). */
const MAX_COMMAND_CHARS = 300;

// The Pod UID that the kubelet puts in messages: noise to a reader, ~10 tokens each time.
const UID_IN_PARENS = /\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/g;

/** One line, without the kubelet's Pod UIDs. */
export function oneLine(text: string): string {
  return text.replace(UID_IN_PARENS, '').replace(/\s+/g, ' ').trim();
}

type Described = k8s.KubernetesObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** The summary, or undefined for kinds without one (their trimmed YAML is already short). */
export function describeSummary(obj: Described): string | undefined {
  if (obj.kind === 'Pod') return podSummary(obj as k8s.V1Pod);
  if (obj.kind === 'Node') return nodeSummary(obj as k8s.V1Node);
  const template = podTemplate(obj);
  return template ? workloadSummary(obj, template) : undefined;
}

function header(obj: k8s.KubernetesObject): string[] {
  const m = obj.metadata;
  const owner = m?.ownerReferences?.find((r) => r.controller) ?? m?.ownerReferences?.[0];
  return [
    `${obj.kind}: ${m?.namespace ? `${m.namespace}/` : ''}${m?.name ?? ''}`,
    ...(owner ? [`Controlled by: ${owner.kind}/${owner.name}`] : []),
  ];
}

function podSummary(pod: k8s.V1Pod): string {
  const s = pod.status;
  const lines = header(pod);
  lines.push(
    `Status: ${s?.phase ?? 'Unknown'}${s?.reason ? ` (${s.reason}${s.message ? `: ${oneLine(s.message)}` : ''})` : ''}`,
  );
  lines.push(`Node: ${pod.spec?.nodeName ?? '<none>'}`);
  const statuses = new Map(
    [...(s?.initContainerStatuses ?? []), ...(s?.containerStatuses ?? [])].map((c) => [c.name, c]),
  );
  const init = pod.spec?.initContainers ?? [];
  if (init.length) lines.push('Init Containers:', ...init.flatMap((c) => containerLines(c, statuses.get(c.name))));
  lines.push('Containers:', ...(pod.spec?.containers ?? []).flatMap((c) => containerLines(c, statuses.get(c.name))));
  lines.push(...volumeLines(pod.spec?.volumes));
  lines.push(...conditionLines(s?.conditions));
  return lines.join('\n');
}

function containerLines(c: k8s.V1Container, st: k8s.V1ContainerStatus | undefined): string[] {
  const out = [`  ${c.name}:`, `    Image: ${c.image ?? '<none>'}`];
  const command = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
  if (command) {
    const line = oneLine(command);
    out.push(`    Command: ${line.length > MAX_COMMAND_CHARS ? `${line.slice(0, MAX_COMMAND_CHARS)}…` : line}`);
  }
  if (st) {
    out.push(`    State: ${stateText(st.state)}`);
    if (st.lastState && stateText(st.lastState) !== 'Unknown') out.push(`    Last State: ${stateText(st.lastState)}`);
    out.push(`    Ready: ${st.ready}, Restarts: ${st.restartCount}`);
  }
  out.push(`    ${resourcesText(c.resources)}`);
  for (const [name, probe] of [
    ['Liveness', c.livenessProbe],
    ['Readiness', c.readinessProbe],
    ['Startup', c.startupProbe],
  ] as const) {
    if (probe) out.push(`    ${name}: ${probeText(probe)}`);
  }
  const env = [...(c.env ?? []).map(envText), ...(c.envFrom ?? []).map(envFromText)];
  if (env.length) out.push(`    Env: ${env.join(', ')}`);
  return out;
}

function stateText(state: k8s.V1ContainerState | undefined): string {
  if (state?.waiting) return `Waiting (${detail(state.waiting.reason, undefined, state.waiting.message)})`;
  if (state?.terminated) {
    const t = state.terminated;
    return `Terminated (${detail(t.reason, `exit code ${t.exitCode}`, t.message)})`;
  }
  if (state?.running) return 'Running';
  return 'Unknown';
}

function detail(reason: string | undefined, code: string | undefined, message: string | undefined): string {
  const head = [reason, code].filter(Boolean).join(', ') || 'no reason';
  return message ? `${head}: ${oneLine(message)}` : head;
}

function resourcesText(r: k8s.V1ResourceRequirements | undefined): string {
  const list = (m: Record<string, string> | undefined) =>
    Object.entries(m ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  const limits = list(r?.limits);
  const requests = list(r?.requests);
  if (!limits && !requests) return 'Resources: <none>';
  return `Limits: ${limits || '<none>'}; Requests: ${requests || '<none>'}`;
}

function probeText(p: k8s.V1Probe): string {
  const action = p.httpGet
    ? `http-get ${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? '/'}`
    : p.tcpSocket
      ? `tcp-socket :${p.tcpSocket.port}`
      : p.grpc
        ? `grpc :${p.grpc.port}`
        : p.exec
          ? `exec [${(p.exec.command ?? []).join(' ')}]`
          : 'unknown';
  return `${action} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #failure=${p.failureThreshold ?? 3}`;
}

function envText(e: k8s.V1EnvVar): string {
  const f = e.valueFrom;
  if (!f) return `${e.name}=${e.value ?? ''}`;
  if (f.secretKeyRef) return `${e.name} (secret ${f.secretKeyRef.name}/${f.secretKeyRef.key})`;
  if (f.configMapKeyRef) return `${e.name} (configmap ${f.configMapKeyRef.name}/${f.configMapKeyRef.key})`;
  if (f.fieldRef) return `${e.name} (field ${f.fieldRef.fieldPath})`;
  if (f.resourceFieldRef) return `${e.name} (resource ${f.resourceFieldRef.resource})`;
  return `${e.name} (from a source)`;
}

function envFromText(e: k8s.V1EnvFromSource): string {
  const source = e.secretRef ? `secret ${e.secretRef.name}` : `configmap ${e.configMapRef?.name ?? '?'}`;
  return `${e.prefix ?? ''}* (all of ${source})`;
}

function volumeLines(volumes: readonly k8s.V1Volume[] | undefined): string[] {
  const shown = (volumes ?? [])
    .map((v) => {
      if (v.persistentVolumeClaim) return `${v.name} (pvc ${v.persistentVolumeClaim.claimName})`;
      if (v.configMap) return `${v.name} (configmap ${v.configMap.name})`;
      if (v.secret) return `${v.name} (secret ${v.secret.secretName})`;
      if (v.emptyDir) return `${v.name} (emptyDir)`;
      if (v.hostPath) return `${v.name} (hostPath ${v.hostPath.path})`;
      // The service-account token every pod gets says nothing about this pod.
      return v.projected ? undefined : v.name;
    })
    .filter((v): v is string => v !== undefined);
  return shown.length ? [`Volumes: ${shown.join(', ')}`] : [];
}

/** Why a condition is off; for a condition in its good state only its reason (e.g. NewReplicaSetAvailable). */
function conditionLines(conditions: readonly Condition[] | undefined): string[] {
  if (!conditions?.length) return [];
  const text = conditions.map((c) => {
    // A Job's Failed and a ReplicaSet's ReplicaFailure are bad news when True.
    const bad = c.status !== 'True' || /Fail/.test(c.type ?? '');
    const why = [c.reason, bad && c.message ? oneLine(c.message) : undefined].filter(Boolean).join(': ');
    return `${c.type}=${c.status}${why ? ` (${why})` : ''}`;
  });
  return [`Conditions: ${text.join(', ')}`];
}

function podTemplate(obj: Described): k8s.V1PodTemplateSpec | undefined {
  const spec = obj.spec as { template?: k8s.V1PodTemplateSpec; jobTemplate?: k8s.V1JobTemplateSpec } | undefined;
  return spec?.template?.spec ? spec.template : spec?.jobTemplate?.spec?.template;
}

/** Scalar fields only: replicas, strategy and schedule are what a reader needs; nested objects are the template. */
function scalars(o: Record<string, unknown> | undefined, skip: readonly string[] = []): string {
  return Object.entries(o ?? {})
    .filter(([k, v]) => !skip.includes(k) && ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

function workloadSummary(obj: Described, template: k8s.V1PodTemplateSpec): string {
  const lines = header(obj);
  const spec = scalars(obj.spec);
  const strategy = (obj.spec?.strategy ?? obj.spec?.updateStrategy) as { type?: string } | undefined;
  if (spec || strategy?.type)
    lines.push(`Spec: ${[spec, strategy?.type ? `strategy=${strategy.type}` : ''].filter(Boolean).join(', ')}`);
  const status = scalars(obj.status, ['observedGeneration', 'collisionCount']);
  lines.push(`Status: ${status || '<none>'}`);
  const selector = (obj.spec?.selector as k8s.V1LabelSelector | undefined)?.matchLabels;
  if (selector)
    lines.push(
      `Selector: ${Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    );
  const ps = template.spec;
  const init = ps?.initContainers ?? [];
  lines.push('Pod Template:');
  if (init.length) lines.push('Init Containers:', ...init.flatMap((c) => containerLines(c, undefined)));
  lines.push('Containers:', ...(ps?.containers ?? []).flatMap((c) => containerLines(c, undefined)));
  lines.push(...volumeLines(ps?.volumes));
  lines.push(...conditionLines(obj.status?.conditions as Condition[] | undefined));
  return lines.join('\n');
}

function nodeSummary(node: k8s.V1Node): string {
  const s = node.status;
  const lines = header(node);
  lines.push(`Unschedulable: ${node.spec?.unschedulable ?? false}`);
  const taints = (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  lines.push(`Taints: ${taints.join(', ') || '<none>'}`);
  const res = (m: Record<string, string> | undefined) =>
    Object.entries(m ?? {})
      .filter(([k]) => ['cpu', 'memory', 'pods', 'ephemeral-storage'].includes(k))
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  lines.push(`Capacity: ${res(s?.capacity) || '<none>'}`, `Allocatable: ${res(s?.allocatable) || '<none>'}`);
  if (s?.nodeInfo) lines.push(`Kubelet: ${s.nodeInfo.kubeletVersion}`);
  // A healthy node reports False for its pressure conditions: only the reason of an unexpected value matters.
  const conditions = (s?.conditions ?? []).map((c) => {
    const healthy = c.type === 'Ready' ? c.status === 'True' : c.status === 'False';
    return `${c.type}=${c.status}${healthy ? '' : ` (${[c.reason, c.message ? oneLine(c.message) : ''].filter(Boolean).join(': ')})`}`;
  });
  if (conditions.length) lines.push(`Conditions: ${conditions.join(', ')}`);
  return lines.join('\n');
}
