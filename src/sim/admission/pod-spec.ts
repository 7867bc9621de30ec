// PodSpec and PodTemplateSpec validation (ValidatePodSpec / ValidatePodTemplateSpec), shared by pods and
// every workload kind that embeds a pod template.

import { arr, rec, str } from '../tables/read.js';
import { validateContainer } from './container.js';
import { child, duplicate, type FieldCause, forbidden, index, invalid, notSupported, required } from './field.js';
import { validateAnnotations, validateLabels } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

// The volume sources a manifest may name; exactly one must be set.
const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

// The one required reference inside the common volume sources.
const SOURCE_REQUIRED_FIELD: Readonly<Record<string, string>> = {
  configMap: 'name',
  secret: 'secretName',
  persistentVolumeClaim: 'claimName',
  hostPath: 'path',
};

/** Validates spec.volumes and returns the names containers may mount (volumes with errors excluded). */
function validateVolumes(volumes: unknown, path: string, causes: FieldCause[]): Set<string> {
  const names = new Set<string>();
  for (const [i, v] of arr(volumes).map(rec).entries()) {
    const vPath = index(path, i);
    const own: FieldCause[] = [];
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) own.push(required(vPath, 'must specify a volume type'));
    else if (sources.length > 1)
      own.push(forbidden(child(vPath, sources[1] ?? ''), 'may not specify more than 1 volume type'));
    const source = sources[0] ?? '';
    const refField = SOURCE_REQUIRED_FIELD[source];
    if (refField && sources.length === 1 && str(rec(v[source])[refField]) === '')
      own.push(required(child(vPath, source, refField)));
    const name = str(v.name);
    if (name === '') own.push(required(child(vPath, 'name')));
    else for (const msg of isDNS1123Label(name)) own.push(invalid(child(vPath, 'name'), name, msg));
    if (names.has(name)) own.push(duplicate(child(vPath, 'name'), name));
    if (own.length === 0) names.add(name);
    causes.push(...own);
  }
  return names;
}

export function validatePodSpec(spec: unknown, path: string): FieldCause[] {
  const s = rec(spec);
  const causes: FieldCause[] = [];
  const volumes = validateVolumes(s.volumes, child(path, 'volumes'), causes);

  const containersPath = child(path, 'containers');
  const containers = arr(s.containers).map(rec);
  if (containers.length === 0) causes.push(required(containersPath));
  const names = new Set<string>();
  for (const [i, c] of containers.entries()) {
    const cPath = index(containersPath, i);
    causes.push(...validateContainer(c, volumes, cPath));
    const name = str(c.name);
    if (names.has(name)) causes.push(duplicate(child(cPath, 'name'), name));
    else names.add(name);
  }
  // Init container names must not collide with each other or with the app containers.
  const initPath = child(path, 'initContainers');
  for (const [i, c] of arr(s.initContainers).map(rec).entries()) {
    const cPath = index(initPath, i);
    causes.push(...validateContainer(c, volumes, cPath));
    const name = str(c.name);
    if (names.has(name)) causes.push(duplicate(child(cPath, 'name'), name));
    else if (name !== '') names.add(name);
  }

  const restartPolicy = str(s.restartPolicy);
  if (restartPolicy !== '' && !RESTART_POLICIES.includes(restartPolicy))
    causes.push(notSupported(child(path, 'restartPolicy'), restartPolicy, RESTART_POLICIES));
  const dnsPolicy = str(s.dnsPolicy);
  if (dnsPolicy !== '' && !DNS_POLICIES.includes(dnsPolicy))
    causes.push(notSupported(child(path, 'dnsPolicy'), dnsPolicy, DNS_POLICIES));
  causes.push(...validateLabels(s.nodeSelector, child(path, 'nodeSelector')));
  const sa = str(s.serviceAccountName);
  if (sa !== '')
    for (const msg of isDNS1123Subdomain(sa)) causes.push(invalid(child(path, 'serviceAccountName'), sa, msg));
  return causes;
}

/** A pod template: its labels and annotations (at `<path>.labels`, as the real validator names them) and spec. */
export function validatePodTemplate(template: unknown, path: string): FieldCause[] {
  const meta = rec(rec(template).metadata);
  return [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpec(rec(template).spec, child(path, 'spec')),
  ];
}
