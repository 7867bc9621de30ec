// Printers for storage, networking, RBAC, coordination and admission-registration kinds.

import type { KubeObject } from '../objects.js';
import { accessModes, formatLabelSelector, listWithMore, quantityCell } from './format.js';
import { AGE_COLUMN, ageOf, column, NAME_COLUMN, nameOf, type Printer, wide } from './printer.js';
import { arr, rec, str } from './read.js';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

function storageClassOf(obj: KubeObject): string {
  const beta = obj.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  return beta ?? str(rec(obj.spec).storageClassName);
}

function attributesClassOf(obj: KubeObject): string {
  const v = rec(obj.spec).volumeAttributesClassName;
  return typeof v === 'string' ? v : '<unset>';
}

function volumeModeOf(obj: KubeObject): string {
  const v = rec(obj.spec).volumeMode;
  return typeof v === 'string' ? v : '<unset>';
}

function phaseOf(obj: KubeObject): string {
  return obj.metadata.deletionTimestamp !== undefined ? 'Terminating' : str(rec(obj.status).phase);
}

export const pvcPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    wide('VolumeMode', 'volumeMode defines what type of volume is required by the claim.'),
  ],
  cells(pvc, now) {
    const volumeName = str(rec(pvc.spec).volumeName);
    const status = rec(pvc.status);
    // Capacity and modes describe the bound volume, so they stay empty until the claim is bound.
    const bound = volumeName !== '';
    return [
      nameOf(pvc),
      phaseOf(pvc),
      volumeName,
      bound ? quantityCell(rec(status.capacity).storage) || '0' : '',
      bound ? accessModes(status.accessModes) : '',
      storageClassOf(pvc),
      attributesClassOf(pvc),
      ageOf(pvc, now),
      volumeModeOf(pvc),
    ];
  },
};

export const pvPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity."),
    column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    column(
      'Reclaim Policy',
      'string',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    ),
    column('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column(
      'Claim',
      'string',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
    ),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', 'reason is a brief CamelCase string that describes any failure.'),
    AGE_COLUMN,
    wide(
      'VolumeMode',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
    ),
  ],
  cells(pv, now) {
    const spec = rec(pv.spec);
    const claim =
      spec.claimRef === undefined ? '' : `${str(rec(spec.claimRef).namespace)}/${str(rec(spec.claimRef).name)}`;
    return [
      nameOf(pv),
      quantityCell(rec(spec.capacity).storage) || '0',
      accessModes(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      phaseOf(pv),
      claim,
      storageClassOf(pv),
      attributesClassOf(pv),
      str(rec(pv.status).reason),
      ageOf(pv, now),
      volumeModeOf(pv),
    ];
  },
};

function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

export const storageClassPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column(
      'ReclaimPolicy',
      'string',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.',
    ),
    column(
      'VolumeBindingMode',
      'string',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.',
    ),
    column(
      'AllowVolumeExpansion',
      'string',
      'allowVolumeExpansion shows whether the storage class allow volume expand.',
    ),
    AGE_COLUMN,
  ],
  cells: (sc, now) => [
    isDefaultClass(sc) ? `${nameOf(sc)} (default)` : nameOf(sc),
    str(sc.provisioner),
    str(sc.reclaimPolicy) || 'Delete',
    str(sc.volumeBindingMode) || 'Immediate',
    sc.allowVolumeExpansion === true,
    ageOf(sc, now),
  ],
};

function ingressHosts(rules: readonly unknown[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    const host = str(rec(rule).host);
    if (!more && host !== '') list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  cells(ing, now) {
    const spec = rec(ing.spec);
    const lb = arr(rec(rec(ing.status).loadBalancer).ingress)
      .map(rec)
      .map((i) => str(i.ip) || str(i.hostname))
      .filter((s) => s !== '');
    return [
      nameOf(ing),
      str(spec.ingressClassName) || '<none>',
      ingressHosts(arr(spec.rules)),
      [...new Set(lb)].join(','),
      arr(spec.tls).length > 0 ? '80, 443' : '80',
      ageOf(ing, now),
    ];
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  cells(ic, now) {
    const spec = rec(ic.spec);
    const p = spec.parameters === undefined ? undefined : rec(spec.parameters);
    const group = str(p?.apiGroup);
    const params = p === undefined ? '<none>' : `${str(p.kind)}${group === '' ? '' : `.${group}`}/${str(p.name)}`;
    return [nameOf(ic), str(spec.controller), params, ageOf(ic, now)];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Pod-Selector', 'string', 'podSelector selects the pods to which this NetworkPolicy object applies.'),
    AGE_COLUMN,
  ],
  cells: (np, now) => [nameOf(np), formatLabelSelector(rec(np.spec).podSelector), ageOf(np, now)],
};

export const endpointSlicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    AGE_COLUMN,
  ],
  cells(es, now) {
    const ports = arr(es.ports)
      .map(rec)
      .map((p) => (typeof p.port === 'number' ? String(p.port) : str(p.name) || '*'));
    const addresses = arr(es.endpoints).flatMap((e) => arr(rec(e).addresses).map(str));
    return [
      nameOf(es),
      str(es.addressType),
      listWithMore(ports, 3, '<unset>'),
      listWithMore(addresses, 3, '<unset>'),
      ageOf(es, now),
    ];
  },
};

function subjects(binding: KubeObject, kind: string): string {
  return arr(binding.subjects)
    .map(rec)
    .filter((s) => str(s.kind) === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s.namespace)}/${str(s.name)}` : str(s.name)))
    .join(', ');
}

function bindingPrinter(scope: string): Printer {
  return {
    columns: [
      NAME_COLUMN,
      column('Role', 'string', 'RoleRef can only reference the current namespace.'),
      AGE_COLUMN,
      wide('Users', `Users in the ${scope}`),
      wide('Groups', `Groups in the ${scope}`),
      wide('ServiceAccounts', `ServiceAccounts in the ${scope}`),
    ],
    cells(b, now) {
      const ref = rec(b.roleRef);
      return [
        nameOf(b),
        `${str(ref.kind)}/${str(ref.name)}`,
        ageOf(b, now),
        subjects(b, 'User'),
        subjects(b, 'Group'),
        subjects(b, 'ServiceAccount'),
      ];
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');

export const leasePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
    AGE_COLUMN,
  ],
  cells: (l, now) => [nameOf(l), str(rec(l.spec).holderIdentity), ageOf(l, now)],
};

export const webhookConfigurationPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'),
    AGE_COLUMN,
  ],
  cells: (w, now) => [nameOf(w), arr(w.webhooks).length, ageOf(w, now)],
};
