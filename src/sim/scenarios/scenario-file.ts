// Reads one scenario directory (scenario.yaml + manifest.yaml + fix.yaml + later stages) and checks that it
// is coherent: a library entry that names an object its manifest does not create, or a failure class
// detection does not know, is a packaging bug worth failing loudly on.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { FAILURE_CLASSES } from '../../detect/failure-class.js';
import { resourceForKind } from '../resources.js';
import type { Scenario } from './scenario.js';

export class ScenarioError extends Error {
  constructor(
    readonly code: 'ScenarioInvalid' | 'ScenarioNotFound' | 'ScenarioApplyFailed',
    message: string,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

const objectName = z.strictObject({ kind: z.string().min(1), name: z.string().min(1) });

const scenarioFile = z.strictObject({
  title: z.string().min(1),
  description: z.string().min(1),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  stages: z.array(z.string().min(1)).optional(),
  setup: z.string().min(1).optional(),
  expect: z.strictObject({
    failureClass: z.enum([...FAILURE_CLASSES, 'Healthy']),
    workload: objectName,
    reason: z.string().min(1).optional(),
    container: z.string().min(1).optional(),
    exitCode: z.number().int().optional(),
    eventReasons: z.array(z.string().min(1)).optional(),
    logIncludes: z.array(z.string().min(1)).optional(),
    message: z.string().min(1).optional(),
  }),
  fix: z.strictObject({
    description: z.string().min(1),
    file: z.string().min(1).optional(),
    deleteFirst: z.array(objectName).optional(),
    patch: z
      .strictObject({
        apiVersion: z.string().min(1),
        kind: z.string().min(1),
        name: z.string().min(1),
        namespace: z.string().min(1).optional(),
        type: z.enum(['strategic', 'merge', 'json']),
        body: z.unknown(),
      })
      .optional(),
  }),
});

export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** The objects of a multi-document YAML manifest (empty documents skipped). */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ScenarioError('ScenarioInvalid', `${source}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const obj = value as Partial<ManifestObject>;
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string')
      throw new ScenarioError('ScenarioInvalid', `${source}: every document needs apiVersion, kind and metadata.name`);
    out.push(obj as ManifestObject);
  }
  return out;
}

function checkObjects(objects: readonly ManifestObject[], namespace: string, source: string): void {
  for (const o of objects) {
    const resource = resourceForKind(o.apiVersion, o.kind);
    if (!resource)
      throw new ScenarioError('ScenarioInvalid', `${source}: the simulator does not serve ${o.apiVersion} ${o.kind}`);
    // Every namespaced object says its namespace, so `kubectl apply -f` puts it where the scenario expects.
    if (resource.namespaced && o.metadata.namespace !== namespace)
      throw new ScenarioError(
        'ScenarioInvalid',
        `${source}: ${o.kind}/${o.metadata.name} must be in namespace ${namespace}`,
      );
  }
}

function readText(dir: string, file: string): string {
  const path = join(dir, file);
  if (!existsSync(path)) throw new ScenarioError('ScenarioInvalid', `${path} is missing`);
  return readFileSync(path, 'utf8');
}

export function loadScenarioDir(dir: string): Scenario {
  const name = basename(dir);
  const source = join(dir, 'scenario.yaml');
  let raw: unknown;
  try {
    raw = parse(readText(dir, 'scenario.yaml'));
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw new ScenarioError('ScenarioInvalid', `${source}: ${(err as Error).message}`);
  }
  const parsed = scenarioFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioError('ScenarioInvalid', `${source}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const meta = parsed.data;
  const stageFiles = ['manifest.yaml', ...(meta.stages ?? [])];
  const [manifests = '', ...later] = stageFiles.map((f) => readText(dir, f));
  const fixManifests = meta.fix.file !== undefined ? readText(dir, meta.fix.file) : undefined;
  if (fixManifests === undefined && meta.fix.patch === undefined)
    throw new ScenarioError('ScenarioInvalid', `${source}: fix needs a file or a patch`);

  const stages = [manifests, ...later].map((text, i) => {
    const file = join(dir, stageFiles[i] ?? '');
    const objects = parseManifests(text, file);
    checkObjects(objects, meta.namespace, file);
    return objects;
  });
  if (fixManifests !== undefined) {
    const file = join(dir, meta.fix.file ?? '');
    checkObjects(parseManifests(fixManifests, file), meta.namespace, file);
  }
  const all = stages.flat();
  if (!all.some((o) => o.kind === 'Namespace' && o.metadata.name === meta.namespace))
    throw new ScenarioError('ScenarioInvalid', `${source}: manifest.yaml must create namespace ${meta.namespace}`);
  const creates = (ref: { kind: string; name: string }) =>
    all.some((o) => o.kind === ref.kind && o.metadata.name === ref.name);
  const { workload } = meta.expect;
  if (!creates(workload))
    throw new ScenarioError(
      'ScenarioInvalid',
      `${source}: expect.workload ${workload.kind}/${workload.name} is not in the manifests`,
    );
  for (const ref of meta.fix.deleteFirst ?? [])
    if (!creates(ref))
      throw new ScenarioError(
        'ScenarioInvalid',
        `${source}: fix.deleteFirst ${ref.kind}/${ref.name} is not in the manifests`,
      );
  if (meta.expect.message !== undefined) {
    try {
      new RegExp(meta.expect.message);
    } catch (err) {
      throw new ScenarioError(
        'ScenarioInvalid',
        `${source}: expect.message is not a regular expression: ${(err as Error).message}`,
      );
    }
  }

  const { deleteFirst, patch } = meta.fix;
  return {
    name,
    title: meta.title,
    description: meta.description.trim(),
    namespace: meta.namespace,
    manifests,
    ...(later.length > 0 ? { stages: later } : {}),
    expect: meta.expect,
    fix: {
      description: meta.fix.description.trim(),
      ...(deleteFirst !== undefined ? { deleteFirst } : {}),
      ...(fixManifests !== undefined ? { manifests: fixManifests } : {}),
      ...(patch !== undefined ? { patch } : {}),
    },
    ...(meta.setup !== undefined ? { setup: meta.setup.trim() } : {}),
    directory: dir,
  };
}
