import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IMAGE_CATALOGUE, type ImageInfo, resolveImage } from '../../../src/sim/kubelet/images.js';
import { parseImageReference } from '../../../src/sim/kubelet/program/image-reference.js';

function pulled(ref: string, opts?: Parameters<typeof resolveImage>[1]): ImageInfo {
  const r = resolveImage(ref, opts);
  if (!r.ok) assert.fail(`expected ${ref} to pull, got ${r.message}`);
  return r.image;
}

function failure(ref: string, opts?: Parameters<typeof resolveImage>[1]): { reason: string; message: string } {
  const r = resolveImage(ref, opts);
  if (r.ok) assert.fail(`expected ${ref} to fail`);
  return r;
}

describe('image references', () => {
  it('normalises short names the way containerd reports them', () => {
    const r = parseImageReference('nginx');
    assert.ok(r.ok);
    assert.equal(r.ref.normalized, 'docker.io/library/nginx:latest');
    const s = parseImageReference('polinux/stress:1.0.4');
    assert.ok(s.ok);
    assert.equal(s.ref.normalized, 'docker.io/polinux/stress:1.0.4');
    const p = parseImageReference('localhost:5000/team/app');
    assert.ok(p.ok);
    assert.equal(p.ref.registry, 'localhost:5000');
    assert.equal(p.ref.repository, 'team/app');
  });

  it('rejects malformed references', () => {
    for (const bad of ['nginx:', 'Nginx', 'nginx::1', 'ngi nx', 'nginx@sha256:xyz', '-nginx']) {
      assert.equal(parseImageReference(bad).ok, false, bad);
    }
  });
});

describe('resolveImage', () => {
  it('pulls catalogued images with their default command and ports', () => {
    const nginx = pulled('nginx:1.27');
    assert.equal(nginx.behaviour, 'nginx');
    assert.deepEqual(nginx.entrypoint, ['/docker-entrypoint.sh']);
    assert.deepEqual(nginx.cmd, ['nginx', '-g', 'daemon off;']);
    assert.deepEqual(nginx.ports, [80]);
    assert.equal(nginx.version, '1.27.5');
    assert.equal(pulled('busybox').behaviour, 'busybox');
    assert.equal(pulled('polinux/stress').behaviour, 'stress');
    assert.equal(pulled('mysql:8.0').behaviour, 'mysql');
    assert.equal(pulled('registry.k8s.io/pause:3.10').entrypoint[0], '/pause');
  });

  it('has realistic tag sets: versions, aliases and variants', () => {
    for (const tag of [
      '1.25.0',
      '1.26',
      '1.27-alpine',
      '1.28.0-alpine-slim',
      '1.29',
      'stable',
      'mainline-alpine',
      'alpine',
      'latest',
    ]) {
      assert.equal(resolveImage(`nginx:${tag}`).ok, true, `nginx:${tag}`);
    }
    for (const ref of [
      'busybox:1.28',
      'busybox:1.36.1-musl',
      'alpine:3.20',
      'redis:7-alpine',
      'postgres:16-alpine',
      'python:3.12-slim',
      'node:lts-alpine',
      'ubuntu:jammy',
      'debian:bookworm-slim',
      'httpd:2.4',
      'curlimages/curl:8.15.0',
    ]) {
      assert.equal(resolveImage(ref).ok, true, ref);
    }
    assert.ok(IMAGE_CATALOGUE.length > 300);
  });

  it('gives aliases of one image the same digest, and variants different ones', () => {
    assert.equal(pulled('nginx:1.27').digest, pulled('nginx:1.27.5').digest);
    assert.equal(pulled('nginx:stable').digest, pulled('nginx:1.28.0').digest);
    assert.notEqual(pulled('nginx:1.27').digest, pulled('nginx:1.27-alpine').digest);
    assert.ok(pulled('nginx:1.27-alpine').sizeBytes < pulled('nginx:1.27').sizeBytes);
    assert.equal(pulled('nginx:1.27-alpine').base, 'alpine');
  });

  it('reports an unknown tag of a known repository with containerd NotFound text', () => {
    const f = failure('nginx:1.99');
    assert.equal(f.reason, 'ErrImagePull');
    assert.equal(
      f.message,
      'Failed to pull image "nginx:1.99": rpc error: code = NotFound desc = failed to pull and unpack image ' +
        '"docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": ' +
        'docker.io/library/nginx:1.99: not found',
    );
  });

  it('reports a misspelt official image as pull access denied', () => {
    const f = failure('ngnix:latest');
    assert.equal(f.reason, 'ErrImagePull');
    assert.match(f.message, /^Failed to pull image "ngnix:latest": rpc error: code = Unknown desc = /);
    assert.match(f.message, /pull access denied, repository does not exist or may require authorization/);
  });

  it('resolves digests of catalogued images and rejects unknown ones', () => {
    const digest = pulled('redis:7.4.5').digest;
    const byDigest = pulled(`redis@${digest}`);
    assert.equal(byDigest.repository, 'library/redis');
    assert.equal(byDigest.ref, `docker.io/library/redis@${digest}`);
    const f = failure(`redis@sha256:${'0'.repeat(64)}`);
    assert.match(f.message, /code = NotFound/);
    assert.match(f.message, new RegExp(`docker.io/library/redis@sha256:${'0'.repeat(64)}: not found$`));
  });

  it('gives InvalidImageName for references kubelet cannot parse', () => {
    const f = failure('Nginx:1.27');
    assert.equal(f.reason, 'InvalidImageName');
    assert.equal(
      f.message,
      'Failed to apply default image tag "Nginx:1.27": couldn\'t parse image name "Nginx:1.27": invalid reference format: repository name (library/Nginx) must be lowercase',
    );
    assert.equal(failure('nginx:').reason, 'InvalidImageName');
  });

  it('refuses a private registry without imagePullSecrets and pulls with them', () => {
    const f = failure('registry.example.com/team/api:2.1');
    assert.equal(f.reason, 'ErrImagePull');
    assert.match(
      f.message,
      /pulling from host registry\.example\.com failed with status code \[manifests 2\.1\]: 401 Unauthorized$/,
    );
    const ok = pulled('registry.example.com/team/api:2.1', { pullSecrets: ['regcred'] });
    assert.equal(ok.behaviour, 'generic');
    assert.equal(ok.ref, 'registry.example.com/team/api:2.1');
  });

  it('pulls unknown images from public registries as generic apps, deterministically', () => {
    const a = pulled('ghcr.io/acme/orders:1.4.2');
    assert.equal(a.behaviour, 'generic');
    assert.deepEqual(a.entrypoint, []);
    assert.equal(a.digest, pulled('ghcr.io/acme/orders:1.4.2').digest);
    assert.notEqual(a.digest, pulled('ghcr.io/acme/orders:1.4.3').digest);
    assert.equal(pulled('acme/worker').behaviour, 'generic');
  });

  it('lets configured images extend and override the catalogue', () => {
    const extra: ImageInfo = {
      ref: 'harbor.corp.local/shop/cart:3.0',
      registry: 'harbor.corp.local',
      repository: 'shop/cart',
      tag: '3.0',
      digest: `sha256:${'c'.repeat(64)}`,
      sizeBytes: 1000,
      entrypoint: ['/cart'],
      cmd: [],
      behaviour: 'generic',
      ports: [8080],
      requiresAuth: true,
    };
    assert.match(failure('harbor.corp.local/shop/cart:3.0', { extraImages: [extra] }).message, /401 Unauthorized/);
    assert.deepEqual(
      pulled('harbor.corp.local/shop/cart:3.0', { extraImages: [extra], pullSecrets: ['harbor'] }).ports,
      [8080],
    );
    assert.match(
      failure('harbor.corp.local/shop/cart:9.9', { extraImages: [extra], pullSecrets: ['harbor'] }).message,
      /code = NotFound/,
    );
  });
});
