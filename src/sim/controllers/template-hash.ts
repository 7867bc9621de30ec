// pod-template-hash and friends: a 32-bit FNV-1a over the template (plus the collision count), rendered
// with apimachinery's SafeEncodeString so names look like Kubernetes' ("web-5d4f8c7b9"). Kubernetes hashes
// the Go struct; we hash canonical JSON, so values differ from a real cluster's but are just as stable.

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, and empty objects/arrays/nulls dropped: semantic equality as Kubernetes
 *  compares templates (unset and empty are the same). */
export function canonicalJson(v: unknown): string {
  // Stored objects are deep-frozen, so their canonical form can be remembered by identity.
  const cacheable = v !== null && typeof v === 'object' && Object.isFrozen(v);
  if (cacheable) {
    const hit = canonicalCache.get(v);
    if (hit !== undefined) return hit;
  }
  const out = JSON.stringify(normalize(v)) ?? 'null';
  if (cacheable) canonicalCache.set(v, out);
  return out;
}

const canonicalCache = new WeakMap<object, string>();

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const n = normalize((v as Record<string, unknown>)[k]);
    if (n === null || n === undefined) continue;
    if (Array.isArray(n) && n.length === 0) continue;
    if (typeof n === 'object' && !Array.isArray(n) && Object.keys(n).length === 0) continue;
    out[k] = n;
  }
  return out;
}

function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character maps into an alphabet without vowels or look-alike digits. */
function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** controller.ComputeHash(template, collisionCount). */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount > 0) {
    const extra = new Uint8Array(4);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncode(String(h));
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** EqualIgnoreHash: templates equal once the pod-template-hash label is ignored. */
export function templatesEqualIgnoringHash(a: unknown, b: unknown): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

function withoutHashLabel(t: unknown): unknown {
  if (t === null || typeof t !== 'object') return t;
  const tpl = t as { metadata?: { labels?: Record<string, string> } };
  const labels = tpl.metadata?.labels;
  if (!labels || !(POD_TEMPLATE_HASH in labels)) return t;
  const { [POD_TEMPLATE_HASH]: _hash, ...rest } = labels;
  return { ...tpl, metadata: { ...tpl.metadata, labels: rest } };
}
