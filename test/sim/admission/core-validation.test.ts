import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { admitCauses, MSG } from './helpers.js';

const lines = (obj: KubeObject) => admitCauses(obj).map((c) => `${c.field}: ${c.message}`);

function service(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec };
}

describe('Service', () => {
  it('accepts a plain ClusterIP service and a headless one without ports', () => {
    assert.deepEqual(admitCauses(service({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] })), []);
    assert.deepEqual(admitCauses(service({ clusterIP: 'None', selector: { app: 'db' } })), []);
  });

  it('requires ports unless headless or ExternalName', () => {
    assert.deepEqual(lines(service({ selector: { app: 'web' } })), ['spec.ports: Required value']);
  });

  it('requires names when there are several ports, and unique (protocol, port) pairs', () => {
    assert.deepEqual(lines(service({ ports: [{ port: 80 }, { port: 80, name: 'http' }] })), [
      'spec.ports[0].name: Required value',
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
  });

  it('checks port numbers, target ports and protocols', () => {
    assert.deepEqual(lines(service({ ports: [{ port: 0, targetPort: 'HTTP', protocol: 'ICMP' }] })), [
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
    ]);
  });

  it('rejects unknown types and session affinities', () => {
    assert.deepEqual(lines(service({ type: 'Ingress', sessionAffinity: 'Sticky', ports: [{ port: 80 }] })), [
      'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
      'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  it('forbids nodePort on ClusterIP and out-of-range node ports', () => {
    assert.deepEqual(lines(service({ ports: [{ port: 80, nodePort: 30080 }] })), [
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    assert.deepEqual(lines(service({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })), [
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
  });

  it('checks selector label values', () => {
    assert.deepEqual(lines(service({ selector: { app: 'web server' }, ports: [{ port: 80 }] })), [
      `spec.selector: Invalid value: "web server": ${MSG.labelValue}`,
    ]);
  });

  it('needs an externalName for ExternalName services', () => {
    assert.deepEqual(lines(service({ type: 'ExternalName' })), ['spec.externalName: Required value']);
    assert.deepEqual(admitCauses(service({ type: 'ExternalName', externalName: 'db.example.com.' })), []);
  });
});

describe('ConfigMap and Secret', () => {
  it('rejects keys that cannot be file names', () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { 'app.yaml': 'x', 'my key': 'x', '..data': 'x' },
      binaryData: { 'app.yaml': 'eA==' },
    };
    assert.deepEqual(lines(cm), [
      'data[app.yaml]: Invalid value: "app.yaml": duplicate of key present in binaryData',
      `data[my key]: Invalid value: "my key": ${MSG.configKey}`,
      'data[..data]: Invalid value: "..data": must not start with \'..\'',
    ]);
  });

  it('rejects a ConfigMap over 1MiB', () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big', namespace: 'default' },
      data: { blob: 'x'.repeat(1024 * 1024 + 1) },
    };
    assert.deepEqual(admitCauses(cm), [
      { reason: 'FieldValueTooLong', field: '', message: 'Too long: must have at most 1048576 bytes' },
    ]);
  });

  it('requires the keys of typed secrets', () => {
    const tls: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cert', namespace: 'default' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Y2VydA==' },
    };
    assert.deepEqual(lines(tls), ['data[tls.key]: Required value']);
    const docker: KubeObject = { ...tls, type: 'kubernetes.io/dockerconfigjson', data: {} };
    assert.deepEqual(lines(docker), ['data[.dockerconfigjson]: Required value']);
    const sa: KubeObject = { ...tls, type: 'kubernetes.io/service-account-token', data: {} };
    assert.deepEqual(lines(sa), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  });

  it('checks secret data keys, including those from stringData', () => {
    const s: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      stringData: { 'pass word': 'x' },
    };
    assert.deepEqual(lines(s), [`data[pass word]: Invalid value: "pass word": ${MSG.configKey}`]);
  });
});

describe('PersistentVolumeClaim', () => {
  const pvc = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec,
  });

  it('accepts a normal claim', () => {
    assert.deepEqual(
      admitCauses(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } })),
      [],
    );
  });

  it('requires access modes and a storage request', () => {
    assert.deepEqual(lines(pvc({})), [
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
  });

  it('rejects unknown modes, mixing ReadWriteOncePod, bad sizes and volume modes', () => {
    assert.deepEqual(
      lines(
        pvc({
          accessModes: ['ReadWriteOncePod', 'ReadWriteOnce', 'RWO'],
          resources: { requests: { storage: '10GB' } },
          volumeMode: 'Raw',
        }),
      ),
      [
        'spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
        'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
        `spec.resources[storage]: Invalid value: "10GB": ${MSG.quantity}`,
        'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
      ],
    );
    assert.deepEqual(lines(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } })), [
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ]);
  });
});
