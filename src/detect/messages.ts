// Parsers for the texts Kubernetes components write into statuses and events. Evidence quotes these texts;
// the parsed parts become structured details a fixer (or a person) can act on.

export interface SchedulingReason {
  /** How many nodes gave this reason; absent for cluster-wide reasons (`persistentvolumeclaim "x" not found`). */
  readonly nodes?: number;
  readonly reason: string;
}

export interface SchedulerMessage {
  readonly available?: number;
  readonly total?: number;
  readonly reasons: readonly SchedulingReason[];
}

/** `0/3 nodes are available: 1 node(s) had untolerated taint {...}, 2 Insufficient cpu. preemption: ...` */
export function parseSchedulerMessage(message: string): SchedulerMessage {
  const m = /^(\d+)\/(\d+) nodes are available:\s*([\s\S]*?)(?:\.?\s*preemption:[\s\S]*)?$/.exec(message.trim());
  if (!m) return { reasons: message.trim() ? [{ reason: message.trim().replace(/\.$/, '') }] : [] };
  const body = (m[3] ?? '').trim().replace(/\.$/, '');
  const reasons = body
    .split(/,\s*(?=\d+ )/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const r = /^(\d+) ([\s\S]+)$/.exec(part);
      return r ? { nodes: Number(r[1]), reason: r[2] ?? '' } : { reason: part };
    });
  return { available: Number(m[1]), total: Number(m[2]), reasons };
}

export interface MissingConfig {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly namespace?: string;
  /** Set when the object exists but lacks this key. */
  readonly key?: string;
}

/** The kubelet's CreateContainerConfigError texts: `couldn't find key K in ConfigMap ns/name`, `secret "x" not found`. */
export function parseMissingConfig(message: string): MissingConfig | undefined {
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/([^\s"]+)/.exec(message);
  if (key) {
    return { kind: key[2] as 'ConfigMap' | 'Secret', namespace: key[3] ?? '', name: key[4] ?? '', key: key[1] ?? '' };
  }
  const missing = /\b(configmaps?|secrets?) "([^"]+)" not found/i.exec(message);
  if (missing) {
    return {
      kind: (missing[1] ?? '').toLowerCase().startsWith('secret') ? 'Secret' : 'ConfigMap',
      name: missing[2] ?? '',
    };
  }
  return undefined;
}

export type RegistryAnswerCode =
  | 'NotFound'
  | 'Unauthorized'
  | 'AccessDenied'
  | 'RateLimited'
  | 'Unreachable'
  | 'InvalidReference'
  | 'Unknown';

export interface RegistryAnswer {
  readonly code: RegistryAnswerCode;
  readonly text: string;
}

const ANSWERS: readonly [RegistryAnswerCode, RegExp, string][] = [
  ['InvalidReference', /invalid reference format|couldn't parse image|InvalidImageName/i, 'invalid image reference'],
  ['RateLimited', /toomanyrequests|429 Too Many Requests|rate limit/i, 'rate limited (429)'],
  // Docker Hub says this both for a repository that does not exist and for a private one without credentials.
  [
    'AccessDenied',
    /repository does not exist or may require authorization|pull access denied/i,
    'access denied: repository does not exist or needs credentials',
  ],
  [
    'Unauthorized',
    /401 Unauthorized|\bunauthorized\b|authentication required|no basic auth credentials|403 Forbidden|insufficient_scope|authorization failed/i,
    'unauthorized (401/403): missing or wrong pull credentials',
  ],
  ['NotFound', /\bnot found\b|manifest unknown|code = NotFound/i, 'not found: the tag or repository does not exist'],
  [
    'Unreachable',
    /no such host|i\/o timeout|connection refused|network is unreachable|TLS handshake timeout|context deadline exceeded|x509:/i,
    'registry unreachable',
  ],
];

/** What the registry answered, from the kubelet's pull error text. */
export function classifyPullError(message: string): RegistryAnswer {
  for (const [code, pattern, text] of ANSWERS) if (pattern.test(message)) return { code, text };
  return { code: 'Unknown', text: 'pull failed' };
}

/** `registry.example.com:5000/team/app:1.2` → `registry.example.com:5000`; Docker Hub images → `docker.io`. */
export function imageRegistry(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeMessage {
  readonly probe: ProbeKind;
  /** `HTTP 404`, `connection refused`, `timed out`, or the exec probe's output. */
  readonly response: string;
  readonly statusCode?: number;
}

/** The kubelet's `Unhealthy` event text: `Liveness probe failed: HTTP probe failed with statuscode: 404`. */
export function parseProbeMessage(message: string): ProbeMessage | undefined {
  const m = /^(Liveness|Readiness|Startup) probe (?:failed|errored):?\s*([\s\S]*)$/.exec(message.trim());
  if (!m) return undefined;
  const probe = (m[1] ?? '').toLowerCase() as ProbeKind;
  const rest = (m[2] ?? '').trim();
  const code = /statuscode: (\d+)/.exec(rest);
  if (code) return { probe, response: `HTTP ${code[1]}`, statusCode: Number(code[1]) };
  if (/connection refused/i.test(rest)) return { probe, response: 'connection refused' };
  if (/context deadline exceeded|Client\.Timeout|i\/o timeout|timed out|timeout/i.test(rest)) {
    return { probe, response: 'timed out' };
  }
  if (/no route to host/i.test(rest)) return { probe, response: 'no route to host' };
  return { probe, response: rest.length > 200 ? `${rest.slice(0, 200)}…` : rest || 'failed' };
}

export interface QuotaMessage {
  readonly quota: string;
  readonly requested?: string;
  readonly used?: string;
  readonly limited?: string;
  /** `failed quota: q: must specify limits.cpu for: app`: the pod lacks requests/limits the quota demands. */
  readonly mustSpecify?: string;
}

/** The apiserver's quota admission errors, as they appear in FailedCreate events and ReplicaFailure conditions. */
export function parseQuotaMessage(message: string): QuotaMessage | undefined {
  const exceeded = /exceeded quota: ([^,\s]+), requested: (.+?), used: (.+?), limited: ([^\s"]+)/.exec(message);
  if (exceeded) {
    return {
      quota: exceeded[1] ?? '',
      requested: exceeded[2] ?? '',
      used: exceeded[3] ?? '',
      limited: exceeded[4] ?? '',
    };
  }
  const failed = /failed quota: ([^:\s]+): must specify ([^"]+)/.exec(message);
  if (failed) return { quota: failed[1] ?? '', mustSpecify: (failed[2] ?? '').trim() };
  return undefined;
}
