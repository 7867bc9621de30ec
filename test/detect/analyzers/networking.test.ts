import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingressAnalyzer } from '../../../src/detect/analyzers/ingress.js';
import { networkPolicyAnalyzer } from '../../../src/detect/analyzers/network-policy.js';
import { serviceAnalyzer } from '../../../src/detect/analyzers/service.js';
import {
  ago,
  container,
  deploymentWithPods,
  findings,
  MIN,
  only,
  pod,
  runningStatus,
  SEC,
  service,
  uid,
} from '../fixtures/index.js';

const svcOnly = (objs: unknown[]) => findings(objs, { analyzers: [serviceAnalyzer] });

describe('Service analyzer', () => {
  it('names the selector and the closest pods with the label that differs', async () => {
    const objs = [
      ...deploymentWithPods('web', { labels: { app: 'web', tier: 'front' }, replicas: 2 }),
      ...deploymentWithPods('db', { labels: { app: 'db' }, replicas: 1 }),
      service('web', { selector: { app: 'web', tier: 'frontend' } }),
    ];
    const f = only(await svcOnly(objs));
    assert.equal(f.failureClass, 'ServiceNoEndpoints');
    assert.equal(f.details.selector, 'app=web,tier=frontend');
    assert.equal(f.details.closestWorkload, 'Deployment/web');
    assert.equal(f.details.labelDiff, 'tier: want frontend, pods have front');
    assert.match(
      f.summary,
      /selector app=web,tier=frontend matches no pods; closest: pods of Deployment web \(e\.g\. web-7d9c5b8f6d-x2k4p\), which differ in tier: want frontend, pods have front/,
    );
  });

  it('says when no pod has any of the selector’s labels', async () => {
    const f = only(
      await svcOnly([
        ...deploymentWithPods('web', { replicas: 1 }),
        service('api', { selector: { component: 'api' } }),
      ]),
    );
    assert.equal(f.failureClass, 'ServiceNoEndpoints');
    assert.match(f.summary, /no pod in the namespace has any of its labels/);
  });

  it('reports selected pods that are all not ready, as part of their workload’s failure', async () => {
    const objs = [
      ...deploymentWithPods('web', {
        replicas: 2,
        podStatus: () => ({ ready: false, statuses: [runningStatus({ ready: false })] }),
      }),
      service('web'),
    ];
    const f = only(await svcOnly(objs));
    assert.equal(f.failureClass, 'ServiceEndpointsNotReady');
    assert.equal(f.details.selectedPods, 2);
    assert.deepEqual(
      f.partOf?.map((r) => `${r.kind}/${r.name}`),
      ['Deployment/web'],
    );
  });

  it('reports a named targetPort that no selected pod declares', async () => {
    const objs = [
      ...deploymentWithPods('web', {
        replicas: 1,
        containers: [container({ ports: [{ containerPort: 8080, name: 'web' }] })],
      }),
      service('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
    ];
    const f = only(await svcOnly(objs));
    assert.equal(f.reason, 'TargetPortNotFound');
    assert.equal(f.details.targetPort, 'http');
  });

  it('is silent on ExternalName, selector-less, headless, new, scaled-to-zero and healthy Services', async () => {
    const objs = [
      ...deploymentWithPods('web', { replicas: 2 }),
      service('web'),
      service('web-headless', { clusterIP: 'None', selector: { app: 'web' } }),
      service('external-db', { type: 'ExternalName', selector: null }),
      service('manual', { selector: null }),
      service('fresh', { selector: { app: 'fresh' }, created: ago(20 * SEC) }),
      ...deploymentWithPods('batch', { replicas: 0 }),
      service('batch'),
      pod('starting-0', {
        labels: { app: 'starting' },
        created: ago(30 * SEC),
        ready: false,
        statuses: [runningStatus({ ready: false })],
      }),
      service('starting'),
      pod('peer-0', {
        labels: { app: 'peers' },
        ready: false,
        created: ago(10 * MIN),
        statuses: [runningStatus({ ready: false })],
      }),
      service('peers', { clusterIP: 'None', publishNotReady: true }),
    ];
    assert.deepEqual(await svcOnly(objs), []);
  });
});

describe('Ingress analyzer', () => {
  const ingressClass = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'nginx', uid: uid('ic'), annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
    spec: { controller: 'k8s.io/ingress-nginx' },
  };

  function ingress(spec: Record<string, unknown>) {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'default', uid: uid('ing') },
      spec,
    };
  }

  const rule = (name: string, port: Record<string, unknown>) => ({
    host: 'shop.example.com',
    http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port } } }] },
  });

  it('reports a missing IngressClass, backend Service, port and TLS Secret together', async () => {
    const f = only(
      await findings(
        [
          ingressClass,
          service('web', { ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
          ingress({
            ingressClassName: 'traefik',
            rules: [rule('web', { number: 8080 }), rule('cart', { number: 80 })],
            tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
          }),
        ],
        { analyzers: [ingressAnalyzer] },
      ),
    );
    assert.equal(f.failureClass, 'IngressMisconfigured');
    assert.equal(f.reason, 'IngressClassNotFound');
    assert.equal(
      f.summary,
      'IngressClass "traefik" does not exist; backend Service "web" has no port 8080 (it has 80); backend Service "cart" does not exist; TLS Secret "shop-tls" does not exist',
    );
  });

  it('accepts an Ingress served by the default class with existing backends', async () => {
    const objs = [ingressClass, service('web'), ingress({ rules: [rule('web', { name: 'http' })] })];
    assert.deepEqual(await findings(objs, { analyzers: [ingressAnalyzer] }), []);
  });
});

describe('NetworkPolicy analyzer', () => {
  function policy(name: string, spec: Record<string, unknown>) {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: 'default', uid: uid(`np/${name}`) },
      spec,
    };
  }

  it('reports a pod selector that matches nothing', async () => {
    const objs = [
      ...deploymentWithPods('web', { replicas: 1 }),
      policy('allow-web', { podSelector: { matchLabels: { app: 'wbe' } }, ingress: [{}] }),
    ];
    const f = only(await findings(objs, { analyzers: [networkPolicyAnalyzer] }));
    assert.equal(f.failureClass, 'NetworkPolicySelectsNothing');
    assert.equal(f.details.podSelector, 'app=wbe');
  });

  it('reports policies that leave a Service’s pods unreachable, once', async () => {
    const objs = [
      ...deploymentWithPods('web', { replicas: 2 }),
      service('web'),
      policy('deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('lock-web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }),
    ];
    const f = only(await findings(objs, { analyzers: [networkPolicyAnalyzer] }));
    assert.equal(f.failureClass, 'NetworkPolicyDeniesService');
    assert.equal(f.object.name, 'deny-all');
    assert.equal(f.details.isolatingPolicies, 'deny-all, lock-web');
  });

  it('accepts a default-deny with an allow rule next to it', async () => {
    const objs = [
      ...deploymentWithPods('web', { replicas: 1 }),
      service('web'),
      policy('deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('allow-web', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'gateway' } } }] }],
      }),
    ];
    assert.deepEqual(await findings(objs, { analyzers: [networkPolicyAnalyzer] }), []);
  });
});
