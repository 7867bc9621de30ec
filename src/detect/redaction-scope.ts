import { isCredentialName, MIN_KNOWN_LENGTH, type RedactOptions, redactObject, redactText } from '../redact/index.js';
import type { ClusterSnapshot } from './snapshot.js';

function decodeBase64(v: string): string | undefined {
  const decoded = Buffer.from(v, 'base64').toString('utf8');
  // Buffer decodes anything; a result with replacement characters was not base64 text.
  return decoded.includes('\uFFFD') ? undefined : decoded;
}

// Secret keys that hold public material: masking "default" (a token Secret's namespace) or a CA certificate
// everywhere would wreck the evidence and protect nothing.
const PUBLIC_KEYS = new Set(['namespace', 'ca.crt', 'tls.crt']);

/**
 * Redaction that also knows the namespace's actual secrets: decoded Secret values and literal credential env
 * values of its pods. Those are what a crashing container is most likely to print verbatim, and no pattern
 * recognises a bare password. Known values are collected lazily, once per namespace.
 */
export class SnapshotRedactor {
  private readonly known = new Map<string, RedactOptions>();

  constructor(private readonly snapshot: ClusterSnapshot) {}

  options(namespace: string | undefined): RedactOptions {
    if (namespace === undefined) return {};
    let opts = this.known.get(namespace);
    if (!opts) {
      opts = { known: this.collect(namespace) };
      this.known.set(namespace, opts);
    }
    return opts;
  }

  text(namespace: string | undefined, s: string): string {
    return redactText(s, this.options(namespace)).value;
  }

  object(namespace: string | undefined, o: unknown): unknown {
    return redactObject(o, this.options(namespace)).value;
  }

  private collect(namespace: string): string[] {
    const values: string[] = [];
    for (const secret of this.snapshot.list('Secret', namespace)) {
      const entries = [
        ...Object.entries(secret.data ?? {}).map(([k, raw]) => [k, decodeBase64(raw), raw] as const),
        ...Object.entries(secret.stringData ?? {}).map(([k, plain]) => [k, plain, undefined] as const),
      ];
      for (const [key, plain, raw] of entries) {
        if (PUBLIC_KEYS.has(key)) continue;
        if (raw !== undefined && raw.length >= MIN_KNOWN_LENGTH * 2) values.push(raw);
        if (plain !== undefined) values.push(plain, plain.trim());
      }
    }
    for (const pod of this.snapshot.list('Pod', namespace)) {
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
        for (const env of c.env ?? []) {
          if (env.value && isCredentialName(env.name)) values.push(env.value);
        }
      }
    }
    return values.filter((v) => v.length >= MIN_KNOWN_LENGTH);
  }
}
