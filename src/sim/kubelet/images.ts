// The image catalogue of the simulated kubelet: which repositories and tags exist, what each image runs by
// default, and the exact texts kubelet/containerd give when a pull fails. Extensible through `extraImages`.
//
// Resolution rules (what a real registry would answer):
//  - a repository the catalogue knows: only its catalogued tags/digests exist; anything else is NotFound;
//  - an unknown Docker Hub official image (`docker.io/library/x`): "pull access denied" (Hub answers 401);
//  - another repository on a public registry (Docker Hub user repos, ghcr.io, quay.io, gcr.io, ...): pulled as a
//    `generic` image that runs forever (the model cannot know a stranger's image, so it assumes it works);
//  - any other registry host is treated as private: without imagePullSecrets it answers 401 Unauthorized, with
//    some secret the image is pulled as `generic` (secrets' contents are not checked).

import { createHash } from 'node:crypto';
import { parseImageReference } from './program/image-reference.js';

export type ImageBehaviour =
  | 'nginx'
  | 'httpd'
  | 'redis'
  | 'postgres'
  | 'mysql'
  | 'busybox'
  | 'alpine'
  | 'stress'
  | 'python'
  | 'node'
  | 'generic';

/** The userland an image ships; decides which tools exist and which shell answers `sh`. */
export type ImageBase = 'busybox' | 'alpine' | 'debian' | 'ubuntu' | 'oraclelinux' | 'scratch';

export interface ImageInfo {
  readonly ref: string;
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly sizeBytes: number;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly behaviour: ImageBehaviour;
  readonly ports: readonly number[];
  /** Version of the main software (`1.27.5` for nginx), used in its log lines. */
  readonly version?: string;
  /** Userland; unset means unknown (a `generic` image whose tools the model cannot know). */
  readonly base?: ImageBase;
  /** Extra executables beyond the base userland (`nginx`, `curl`, `redis-cli`, ...). */
  readonly binaries?: readonly string[];
  /** The image's ENV (PATH and friends), visible to `env` and `$VAR`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Pulls need imagePullSecrets (for catalogue entries on private registries). */
  readonly requiresAuth?: boolean;
}

export type PullResult =
  | { ok: true; image: ImageInfo }
  | { ok: false; reason: 'ErrImagePull' | 'InvalidImageName'; message: string };

const MB = 1024 * 1024;
const PATH_DEFAULT = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Variant {
  readonly suffix: string;
  readonly base: ImageBase;
  readonly sizeMb: number;
}

interface Family {
  readonly registry?: string;
  readonly repository: string;
  readonly behaviour: ImageBehaviour;
  readonly versions: readonly string[];
  /** alias -> concrete version; `latest` maps to the bare variant name (`alpine`) for non-default variants. */
  readonly aliases: Readonly<Record<string, string>>;
  readonly variants: readonly Variant[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly ports?: readonly number[];
  readonly binaries?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

const debian = (suffix: string, sizeMb: number): Variant => ({ suffix, base: 'debian', sizeMb });
const alpine = (suffix: string, sizeMb: number): Variant => ({ suffix, base: 'alpine', sizeMb });

/** `1.36.1` is also published as `1.36`. */
function minorAliases(versions: readonly string[], extra: Record<string, string>): Record<string, string> {
  return { ...Object.fromEntries(versions.map((v) => [v.slice(0, v.lastIndexOf('.')), v])), ...extra };
}

const BUSYBOX = ['1.28.4', '1.29.3', '1.30.1', '1.31.1', '1.32.1', '1.33.1', '1.34.1', '1.35.0', '1.36.1', '1.37.0'];
const ALPINE = ['3.15.11', '3.16.9', '3.17.10', '3.18.12', '3.19.8', '3.20.7', '3.21.4', '3.22.1'];

const FAMILIES: readonly Family[] = [
  {
    repository: 'library/nginx',
    behaviour: 'nginx',
    versions: [
      '1.25.0',
      '1.25.1',
      '1.25.2',
      '1.25.3',
      '1.25.4',
      '1.25.5',
      '1.26.0',
      '1.26.1',
      '1.26.2',
      '1.26.3',
    ].concat(['1.27.0', '1.27.1', '1.27.2', '1.27.3', '1.27.4', '1.27.5', '1.28.0', '1.29.0', '1.29.1']),
    aliases: {
      '1.25': '1.25.5',
      '1.26': '1.26.3',
      '1.27': '1.27.5',
      '1.28': '1.28.0',
      '1.29': '1.29.1',
      '1': '1.29.1',
      stable: '1.28.0',
      mainline: '1.29.1',
      latest: '1.29.1',
    },
    variants: [
      debian('', 72),
      alpine('-alpine', 21),
      alpine('-alpine-slim', 5),
      debian('-perl', 80),
      debian('-bookworm', 72),
    ],
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    ports: [80],
    binaries: ['nginx', 'nginx-debug', 'curl', 'envsubst', '/docker-entrypoint.sh'],
  },
  {
    repository: 'library/httpd',
    behaviour: 'httpd',
    versions: ['2.4.62', '2.4.63', '2.4.64', '2.4.65'],
    aliases: { '2.4': '2.4.65', '2': '2.4.65', latest: '2.4.65' },
    variants: [debian('', 58), alpine('-alpine', 22), debian('-bookworm', 58)],
    entrypoint: [],
    cmd: ['httpd-foreground'],
    ports: [80],
    binaries: ['httpd', 'httpd-foreground', 'apachectl'],
    env: { HTTPD_PREFIX: '/usr/local/apache2', PATH: `/usr/local/apache2/bin:${PATH_DEFAULT}` },
  },
  {
    repository: 'library/redis',
    behaviour: 'redis',
    versions: ['6.2.19', '7.0.15', '7.2.10', '7.4.5', '8.0.3', '8.2.0'],
    aliases: {
      '6': '6.2.19',
      '6.2': '6.2.19',
      '7': '7.4.5',
      '7.0': '7.0.15',
      '7.2': '7.2.10',
      '7.4': '7.4.5',
      '8': '8.2.0',
      '8.0': '8.0.3',
      '8.2': '8.2.0',
    },
    variants: [debian('', 45), alpine('-alpine', 17), debian('-bookworm', 45)],
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    ports: [6379],
    binaries: ['redis-server', 'redis-cli', 'redis-sentinel', 'docker-entrypoint.sh'],
  },
  {
    repository: 'library/postgres',
    behaviour: 'postgres',
    versions: ['13.21', '14.18', '15.13', '16.9', '17.5'],
    aliases: { '13': '13.21', '14': '14.18', '15': '15.13', '16': '16.9', '17': '17.5', latest: '17.5' },
    variants: [debian('', 150), alpine('-alpine', 105), debian('-bookworm', 150)],
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['postgres'],
    ports: [5432],
    binaries: ['postgres', 'pg_isready', 'psql', 'initdb', 'pg_ctl', 'gosu', 'docker-entrypoint.sh'],
    env: { PGDATA: '/var/lib/postgresql/data', PATH: `${PATH_DEFAULT}:/usr/lib/postgresql/17/bin` },
  },
  {
    repository: 'library/mysql',
    behaviour: 'mysql',
    versions: ['5.7.44', '8.0.43', '8.4.6', '9.4.0'],
    aliases: {
      '5.7': '5.7.44',
      '5': '5.7.44',
      '8.0': '8.0.43',
      '8.4': '8.4.6',
      '8': '8.4.6',
      lts: '8.4.6',
      '9': '9.4.0',
      '9.4': '9.4.0',
      innovation: '9.4.0',
    },
    variants: [
      { suffix: '', base: 'oraclelinux', sizeMb: 230 },
      { suffix: '-oracle', base: 'oraclelinux', sizeMb: 230 },
    ],
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['mysqld'],
    ports: [3306, 33060],
    binaries: ['mysqld', 'mysql', 'mysqladmin', 'mysqldump', 'gosu', 'docker-entrypoint.sh'],
  },
  {
    repository: 'library/busybox',
    behaviour: 'busybox',
    versions: BUSYBOX,
    aliases: minorAliases(BUSYBOX, { stable: '1.36.1' }),
    variants: [
      { suffix: '', base: 'busybox', sizeMb: 2.2 },
      { suffix: '-musl', base: 'busybox', sizeMb: 1.5 },
      { suffix: '-glibc', base: 'busybox', sizeMb: 2.2 },
      { suffix: '-uclibc', base: 'busybox', sizeMb: 2.1 },
    ],
    entrypoint: [],
    cmd: ['sh'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
  },
  {
    repository: 'library/alpine',
    behaviour: 'alpine',
    versions: [...ALPINE, 'edge'],
    aliases: minorAliases(ALPINE, { '3': '3.22.1', latest: '3.22.1' }),
    variants: [alpine('', 3.6)],
    entrypoint: [],
    cmd: ['/bin/sh'],
  },
  {
    repository: 'polinux/stress',
    behaviour: 'stress',
    versions: ['1.0.4'],
    aliases: { latest: '1.0.4' },
    variants: [alpine('', 4.3)],
    entrypoint: [],
    // The published image's Dockerfile says CMD ['/usr/local/bin/stress'] with single quotes, which is not JSON,
    // so Docker stored the shell form: running the image without a command fails with exit 127.
    cmd: ['/bin/sh', '-c', "['/usr/local/bin/stress']"],
    binaries: ['stress', '/usr/local/bin/stress', 'bash'],
    env: { RELEASE_VERSION: '1.0.4', SHELL: '/bin/bash' },
  },
  {
    repository: 'library/python',
    behaviour: 'python',
    versions: ['3.9.23', '3.10.18', '3.11.13', '3.12.11', '3.13.7'],
    aliases: {
      '3.9': '3.9.23',
      '3.10': '3.10.18',
      '3.11': '3.11.13',
      '3.12': '3.12.11',
      '3.13': '3.13.7',
      '3': '3.13.7',
    },
    variants: [debian('', 400), debian('-slim', 45), alpine('-alpine', 17), debian('-bookworm', 400)],
    entrypoint: [],
    cmd: ['python3'],
    binaries: ['python', 'python3', 'pip', 'pip3', 'curl', 'wget', 'git'],
  },
  {
    repository: 'library/node',
    behaviour: 'node',
    versions: ['18.20.8', '20.19.4', '22.18.0', '24.6.0'],
    aliases: { '18': '18.20.8', '20': '20.19.4', '22': '22.18.0', '24': '24.6.0', lts: '22.18.0', current: '24.6.0' },
    variants: [debian('', 390), debian('-slim', 75), alpine('-alpine', 55), debian('-bookworm', 390)],
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['node'],
    binaries: ['node', 'npm', 'npx', 'yarn', 'curl', 'wget', 'git', 'docker-entrypoint.sh'],
  },
  {
    repository: 'library/ubuntu',
    behaviour: 'generic',
    versions: ['20.04', '22.04', '24.04'],
    aliases: { focal: '20.04', jammy: '22.04', noble: '24.04', latest: '24.04' },
    variants: [{ suffix: '', base: 'ubuntu', sizeMb: 29 }],
    entrypoint: [],
    cmd: ['/bin/bash'],
  },
  {
    repository: 'library/debian',
    behaviour: 'generic',
    versions: ['11', '12', '13'],
    aliases: { bullseye: '11', bookworm: '12', trixie: '13', latest: '13' },
    variants: [debian('', 48), debian('-slim', 28)],
    entrypoint: [],
    cmd: ['bash'],
  },
  {
    repository: 'curlimages/curl',
    behaviour: 'alpine',
    versions: ['8.10.1', '8.11.1', '8.12.1', '8.13.0', '8.14.1', '8.15.0'],
    aliases: {},
    variants: [alpine('', 9)],
    entrypoint: ['/entrypoint.sh'],
    cmd: ['curl'],
    binaries: ['curl', '/entrypoint.sh'],
  },
  {
    registry: 'registry.k8s.io',
    repository: 'pause',
    behaviour: 'generic',
    versions: ['3.9', '3.10'],
    aliases: { latest: '3.10' },
    variants: [{ suffix: '', base: 'scratch', sizeMb: 0.3 }],
    entrypoint: ['/pause'],
    cmd: [],
    binaries: ['/pause'],
  },
];

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Deterministic size jitter so two versions of an image differ like real ones do. */
function sizeOf(variant: Variant, seed: string): number {
  const jitter = Number.parseInt(sha256(seed).slice(0, 6), 16) / 0xffffff;
  return Math.round(variant.sizeMb * MB * (0.95 + 0.1 * jitter));
}

function latestOf(family: Family): string {
  return family.aliases.latest ?? family.versions[family.versions.length - 1] ?? 'latest';
}

function expand(family: Family): ImageInfo[] {
  const registry = family.registry ?? 'docker.io';
  const out: ImageInfo[] = [];
  const aliases: [string, string][] = Object.entries(family.aliases).filter(([alias]) => alias !== 'latest');
  for (const variant of family.variants) {
    const tags: [string, string][] = family.versions.map((v) => [v + variant.suffix, v]);
    for (const [alias, version] of aliases) tags.push([alias + variant.suffix, version]);
    tags.push([variant.suffix ? variant.suffix.slice(1) : 'latest', latestOf(family)]);
    for (const [tag, version] of tags) {
      const concrete = `${registry}/${family.repository}:${version}${variant.suffix}`;
      out.push({
        ref: `${registry}/${family.repository}:${tag}`,
        registry,
        repository: family.repository,
        tag,
        digest: `sha256:${sha256(concrete)}`,
        sizeBytes: sizeOf(variant, concrete),
        entrypoint: family.entrypoint,
        cmd: family.cmd,
        behaviour: family.behaviour,
        ports: family.ports ?? [],
        version,
        base: variant.base,
        binaries: family.binaries ?? [],
        env: { PATH: PATH_DEFAULT, ...family.env },
      });
    }
  }
  return out;
}

export const IMAGE_CATALOGUE: readonly ImageInfo[] = FAMILIES.flatMap(expand);

/** Registries anyone can pull from without credentials. */
const PUBLIC_REGISTRIES = new Set([
  'docker.io',
  'ghcr.io',
  'quay.io',
  'gcr.io',
  'registry.k8s.io',
  'k8s.gcr.io',
  'public.ecr.aws',
  'mcr.microsoft.com',
  'registry.gitlab.com',
]);

export interface ResolveOptions {
  /** Names of the pod's imagePullSecrets (contents are not checked). */
  readonly pullSecrets?: readonly string[];
  /** More images, e.g. from configuration; they win over the built-in catalogue. */
  readonly extraImages?: readonly ImageInfo[];
}

function failed(image: string, desc: string, code = 'Unknown'): PullResult {
  return {
    ok: false,
    reason: 'ErrImagePull',
    message: `Failed to pull image "${image}": rpc error: code = ${code} desc = ${desc}`,
  };
}

function genericImage(registry: string, repository: string, tag: string, digest: string | undefined): ImageInfo {
  const ref = `${registry}/${repository}`;
  const d = digest ?? `sha256:${sha256(`${ref}:${tag}`)}`;
  return {
    ref: digest ? `${ref}@${digest}` : `${ref}:${tag}`,
    registry,
    repository,
    tag,
    digest: d,
    sizeBytes: Math.round((20 + (Number.parseInt(d.slice(7, 11), 16) % 180)) * MB),
    entrypoint: [],
    cmd: [],
    behaviour: 'generic',
    ports: [],
  };
}

/** Resolves an image reference as containerd would when kubelet asks it to pull. Deterministic. */
export function resolveImage(image: string, opts: ResolveOptions = {}): PullResult {
  const parsed = parseImageReference(image);
  if (!parsed.ok) {
    const msg = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${parsed.detail}`;
    return { ok: false, reason: 'InvalidImageName', message: msg };
  }
  const { registry, repository, tag, digest, normalized } = parsed.ref;
  const candidates = [...(opts.extraImages ?? []), ...IMAGE_CATALOGUE].filter(
    (i) => i.registry === registry && i.repository === repository,
  );
  const hasSecrets = (opts.pullSecrets ?? []).length > 0;
  const unauthorized = failed(
    image,
    `failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}": ` +
      `pulling from host ${registry} failed with status code [manifests ${digest ?? tag}]: 401 Unauthorized`,
  );

  if (candidates.length > 0) {
    const hit = digest ? candidates.find((i) => i.digest === digest) : candidates.find((i) => i.tag === tag);
    if (hit?.requiresAuth && !hasSecrets) return unauthorized;
    if (hit) return { ok: true, image: digest ? { ...hit, ref: normalized } : hit };
    if (candidates.some((i) => i.requiresAuth) && !hasSecrets) return unauthorized;
    return failed(
      image,
      `failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}": ${normalized}: not found`,
      'NotFound',
    );
  }
  if (registry === 'docker.io' && repository.startsWith('library/')) {
    return failed(
      image,
      `failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}": ` +
        'pull access denied, repository does not exist or may require authorization: server message: ' +
        'insufficient_scope: authorization failed',
    );
  }
  if (!PUBLIC_REGISTRIES.has(registry) && !hasSecrets) return unauthorized;
  return { ok: true, image: genericImage(registry, repository, tag ?? 'latest', digest) };
}
