import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { FAILURE_CLASSES } from '../../../src/detect/failure-class.js';
import {
  formatScenarioList,
  getScenario,
  listScenarios,
  loadScenariosInto,
  SCENARIOS_DIR,
} from '../../../src/sim/scenarios/index.js';
import { loadScenarioLibrary } from '../../../src/sim/scenarios/registry.js';
import { loadScenarioDir } from '../../../src/sim/scenarios/scenario-file.js';

const REQUIRED = [
  'memory-hog',
  'bad-image-tag-after-rollout',
  'crash-missing-env',
  'missing-configmap-key',
  'missing-secret',
  'unschedulable-cpu',
  'node-selector-mismatch',
  'liveness-probe-bad-path',
  'readiness-probe-wrong-port',
  'service-selector-mismatch',
  'pvc-missing-storageclass',
  'job-backoff-limit',
  'cronjob-invalid-schedule',
  'quota-blocks-pods',
  'node-not-ready',
  'init-container-typo',
  'mysql-no-root-password',
  'memory-leak',
  'healthy-mixed-namespace',
  'prompt-injection-logs',
];

type Doc = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: unknown };
const docs = (yaml: string): Doc[] =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as Doc)
    .filter(Boolean);

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}
function podSpec(doc: Doc): { containers: Container[]; initContainers?: Container[] } {
  return (doc.spec as { template: { spec: { containers: Container[] } } }).template.spec;
}

describe('scenario library', () => {
  const all = listScenarios();

  it('has every scenario the issue lists, and more', () => {
    const names = all.map((s) => s.name);
    for (const n of REQUIRED) assert.ok(names.includes(n), `missing scenario ${n}`);
    assert.ok(all.length >= 23, `only ${all.length} scenarios`);
    assert.deepEqual(names, [...names].sort(), 'listed by name');
  });

  it('names failure classes that detection reports', () => {
    const known = new Set<string>([...FAILURE_CLASSES, 'Healthy']);
    for (const s of all) assert.ok(known.has(s.expect.failureClass), `${s.name}: ${s.expect.failureClass}`);
    assert.equal(getScenario('healthy-mixed-namespace')?.expect.failureClass, 'Healthy');
  });

  it('gives every scenario a namespace of its own, a description and a fix', () => {
    const namespaces = all.map((s) => s.namespace);
    assert.equal(new Set(namespaces).size, namespaces.length);
    for (const s of all) {
      assert.ok(s.description.length > 80, `${s.name}: description too short`);
      assert.ok(s.fix.description.length > 20, `${s.name}: fix description too short`);
      assert.ok(s.fix.manifests !== undefined || s.fix.patch !== undefined, `${s.name}: fix applies nothing`);
    }
  });

  it('keeps the seed memory-hog as a working Deployment with the same container', () => {
    const s = getScenario('memory-hog');
    assert.ok(s);
    const deploy = docs(s.manifests).find((d) => d.kind === 'Deployment');
    assert.ok(deploy);
    const [c] = podSpec(deploy).containers;
    assert.deepEqual(
      { name: c?.name, image: c?.image, limits: c?.resources?.limits, command: c?.command, args: c?.args },
      {
        name: 'memory-hog',
        image: 'polinux/stress',
        limits: { memory: '100Mi' },
        command: ['stress'],
        args: ['--vm', '1', '--vm-bytes', '200M'],
      },
    );
  });

  it('makes the failure come from the manifest, not from simulator annotations', () => {
    // memory-leak's rate and node-not-ready's broken kubelet are the documented exceptions: a program's leak
    // and a node's kubelet are not in any manifest a user writes.
    const allowed = new Set(['memory-leak', 'node-not-ready']);
    for (const s of all) {
      const texts = [s.manifests, ...(s.stages ?? [])].join('\n');
      if (!allowed.has(s.name))
        assert.doesNotMatch(texts, /sim\.kubemend\.io\//, `${s.name} relies on a simulator annotation`);
    }
    const leak = getScenario('memory-leak');
    assert.match(leak?.manifests ?? '', /sim\.kubemend\.io\/memory-leak-mb-per-min/);
    assert.doesNotMatch(
      leak?.fix.manifests ?? '',
      /sim\.kubemend\.io/,
      'the fix rolls back to a release without the leak',
    );
  });

  it('stages the bad rollout as a good manifest followed by an update', () => {
    const s = getScenario('bad-image-tag-after-rollout');
    const image = (yaml: string) =>
      podSpec(docs(yaml).find((d) => d.kind === 'Deployment') as Doc).containers[0]?.image;
    assert.equal(image(s?.manifests ?? ''), 'nginx:1.27.5');
    assert.equal(s?.stages?.length, 1);
    assert.equal(image(s?.stages?.[0] ?? ''), 'nginx:1.72.5');
    assert.equal(image(s?.fix.manifests ?? ''), 'nginx:1.27.5');
  });

  it('ships plain files a user can read and apply', () => {
    for (const s of all) {
      assert.equal(s.directory, join(SCENARIOS_DIR, s.name));
      assert.equal(readFileSync(join(s.directory, 'manifest.yaml'), 'utf8'), s.manifests);
    }
  });

  it('documents every scenario in docs/scenarios.md', () => {
    const doc = readFileSync(join(SCENARIOS_DIR, '..', 'docs', 'scenarios.md'), 'utf8');
    for (const s of all) assert.match(doc, new RegExp(`^\\| \`${s.name}\` \\|`, 'm'), `${s.name} is not in the table`);
  });

  it('lists scenarios as an aligned NAME / TITLE table', () => {
    const lines = formatScenarioList().trimEnd().split('\n');
    assert.equal(lines.length, all.length + 1);
    const titleAt = lines[0]?.indexOf('TITLE') ?? -1;
    assert.ok(titleAt > 'bad-image-tag-after-rollout'.length);
    for (const [i, s] of all.entries()) {
      const line = lines[i + 1] ?? '';
      assert.ok(line.startsWith(s.name));
      assert.equal(line.slice(titleAt), s.title);
    }
  });

  it('refuses unknown scenario names before touching any cluster', async () => {
    await assert.rejects(loadScenariosInto('/nonexistent/kubeconfig', ['memory-hog', 'no-such-scenario']), {
      code: 'ScenarioNotFound',
      message: /unknown scenario "no-such-scenario"/,
    });
  });
});

describe('scenario loader', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A copy of a library scenario with one file rewritten. */
  function broken(name: string, file: string, edit: (text: string) => string): string {
    const root = mkdtempSync(join(tmpdir(), 'kubemend-scenario-'));
    dirs.push(root);
    const dir = join(root, name);
    cpSync(join(SCENARIOS_DIR, name), dir, { recursive: true });
    writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
    return dir;
  }

  it('loads a whole library from any directory', () => {
    const dir = broken('memory-hog', 'scenario.yaml', (t) => t);
    assert.deepEqual(
      loadScenarioLibrary(join(dir, '..')).map((s) => s.name),
      ['memory-hog'],
    );
  });

  const cases: [string, string, string, (t: string) => string, RegExp][] = [
    [
      'an unknown failure class',
      'memory-hog',
      'scenario.yaml',
      (t) => t.replace('failureClass: OOMKilled', 'failureClass: OutOfMemory'),
      /expect\.failureClass/,
    ],
    [
      'a workload the manifest does not create',
      'memory-hog',
      'scenario.yaml',
      (t) => t.replace('name: memory-hog }', 'name: other }'),
      /Deployment\/other is not in the manifests/,
    ],
    [
      'an object outside the namespace',
      'crash-missing-env',
      'manifest.yaml',
      (t) => t.replace('namespace: crash-missing-env\n  labels', 'namespace: default\n  labels'),
      /must be in namespace crash-missing-env/,
    ],
    [
      'a kind the simulator does not serve',
      'memory-hog',
      'manifest.yaml',
      (t) => `${t}---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n`,
      /does not serve example\.com\/v1 Widget/,
    ],
    [
      'a missing fix file',
      'memory-hog',
      'scenario.yaml',
      (t) => t.replace('file: fix.yaml', 'file: nope.yaml'),
      /nope\.yaml is missing/,
    ],
    [
      'a message that is not a regular expression',
      'unschedulable-cpu',
      'scenario.yaml',
      (t) => t.replace("message: '0/", "message: '(0/"),
      /not a regular expression/,
    ],
    ['an unknown field', 'memory-hog', 'scenario.yaml', (t) => `${t}colour: red\n`, /Unrecognized key/],
    ['broken YAML', 'memory-hog', 'manifest.yaml', (t) => `${t}\n  - : [\n`, /manifest\.yaml/],
    ['a broken scenario.yaml', 'memory-hog', 'scenario.yaml', (t) => `${t}\nexpect: [\n`, /scenario\.yaml/],
    [
      'deleting an object the scenario does not create',
      'job-backoff-limit',
      'scenario.yaml',
      (t) => t.replace('- { kind: Job, name: db-migrate }', '- { kind: Job, name: other }'),
      /fix\.deleteFirst Job\/other is not in the manifests/,
    ],
  ];
  for (const [what, name, file, edit, message] of cases) {
    it(`rejects ${what}`, () => {
      assert.throws(() => loadScenarioDir(broken(name, file, edit)), { code: 'ScenarioInvalid', message });
    });
  }
});
