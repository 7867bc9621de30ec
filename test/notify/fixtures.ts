// A notification as the repair loop sends it, with secrets planted where real ones turn up: a log line, an event
// message, and a literal env value inside the proposed patch.
import type { Fix } from '../../src/agents/fix.js';
import type { Incident } from '../../src/detect/incident.js';
import type { Notification } from '../../src/remedy/types.js';

export const PLANTED = {
  password: 'hunter2-very-secret',
  token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
  envValue: 's3cr3t-env-literal',
} as const;

export const incident: Incident = {
  id: 'inc-20250115-0001',
  fingerprint: '3f9a1c2e7b6d5a40',
  cluster: 'sim',
  failureClass: 'OOMKilled',
  severity: 'high',
  reason: 'OOMKilled',
  summary: 'container memory-hog was OOM-killed 4 times (limit 100Mi)',
  workload: { kind: 'Deployment', namespace: 'default', name: 'memory-hog', uid: 'u-1' },
  affected: [{ kind: 'Pod', namespace: 'default', name: 'memory-hog-5d8f', uid: 'u-2' }],
  evidence: {
    details: { container: 'memory-hog', memoryLimit: '100Mi', exitCode: 137, restarts: 4 },
    status: [],
    events: [
      {
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container; env DB_PASSWORD=${PLANTED.password}`,
        count: 7,
        object: { kind: 'Pod', namespace: 'default', name: 'memory-hog-5d8f', uid: 'u-2' },
      },
    ],
    logs: {
      pod: 'memory-hog-5d8f',
      container: 'memory-hog',
      previous: true,
      lines: ['stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd'],
      errorLines: [
        `stress: FAIL: [1] (415) <-- worker 7 got signal 9 (using ${PLANTED.token})`,
        '<!channel> <at id=all></at>',
      ],
    },
    findings: [],
  },
  firstSeen: '2025-01-15T08:00:00Z',
  lastSeen: '2025-01-15T08:04:00Z',
  state: 'fixing',
};

export const fix: Fix = {
  kind: 'patch',
  target: { kind: 'Deployment', namespace: 'default', name: 'memory-hog', resourceVersion: '1042' },
  patch: {
    type: 'strategic',
    body: {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'memory-hog',
                resources: { limits: { memory: '200Mi' } },
                env: [{ name: 'API_TOKEN', value: PLANTED.envValue }],
              },
            ],
          },
        },
      },
    },
  },
  expected: 'the container stays up under its 200M working set',
  risk: 'low',
  undo: { description: 'set the memory limit back to 100Mi' },
};

export const diff = [
  '--- Deployment default/memory-hog (resourceVersion 1042)',
  '+++ proposed',
  '@@ spec.template.spec.containers[memory-hog].resources.limits @@',
  '-  memory: 100Mi',
  '+  memory: 200Mi',
].join('\n');

export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    kind: 'approval-request',
    incident,
    fix,
    diff,
    reason: 'OOMKilled 4 times; raising the memory limit 100Mi -> 200Mi needs approval in namespace default',
    approveCommand: `kubemend approve ${incident.id}`,
    ...overrides,
  };
}

/** Asserts none of the planted secrets (nor any extra value) is in `text`. */
export function secretsIn(text: string, extra: readonly string[] = []): string[] {
  return [...Object.values(PLANTED), ...extra].filter((s) => text.includes(s));
}
