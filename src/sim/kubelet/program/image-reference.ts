// Parses container image references the way containerd's reference library does, so that a malformed
// image gives kubelet's InvalidImageName text and a well-formed one normalises to
// `docker.io/library/nginx:latest` like `crictl images` shows it.

export interface ImageReference {
  /** `docker.io`, `registry.k8s.io`, `localhost:5000`, ... */
  readonly registry: string;
  /** `library/nginx`, `polinux/stress`, `team/app` */
  readonly repository: string;
  /** The tag, `latest` when the reference has neither tag nor digest; undefined when only a digest is given. */
  readonly tag: string | undefined;
  /** `sha256:<64 hex>` when given. */
  readonly digest: string | undefined;
  /** The fully qualified form containerd reports, e.g. `docker.io/library/nginx:1.27` or `...@sha256:...`. */
  readonly normalized: string;
}

export type ParsedReference = { ok: true; ref: ImageReference } | { ok: false; detail: string };

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const DOCKER_HUB = 'docker.io';

function isDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

export function parseImageReference(input: string): ParsedReference {
  const invalid = (why?: string): ParsedReference => ({
    ok: false,
    detail: why ? `invalid reference format: ${why}` : 'invalid reference format',
  });
  if (input.length === 0 || /\s/.test(input)) return invalid();

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return invalid();
    if (digest.startsWith('sha256:') && !SHA256.test(digest)) return invalid();
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return invalid();
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && isDomain(parts[0] ?? '')) {
    registry = parts.shift() ?? DOCKER_HUB;
    if (!/^[a-zA-Z0-9.-]+(?::\d+)?$|^\[[0-9a-fA-F:]+\](?::\d+)?$/.test(registry)) return invalid();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (parts.some((p) => p !== p.toLowerCase())) return invalid(`repository name (${repository}) must be lowercase`);
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) return invalid();
  if (registry.length + 1 + repository.length > 255)
    return invalid('repository name must not be more than 255 characters');

  if (tag === undefined && digest === undefined) tag = 'latest';
  const name = `${registry}/${repository}`;
  const normalized = digest !== undefined ? `${name}${tag ? `:${tag}` : ''}@${digest}` : `${name}:${tag}`;
  return { ok: true, ref: { registry, repository, tag, digest, normalized } };
}
