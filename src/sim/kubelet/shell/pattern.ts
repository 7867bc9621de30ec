// Shell pattern matching (`case`, `${x#pat}`, `[[ $x == pat ]]`, pathname expansion): a pattern is a list of
// segments where only unquoted text has glob meaning.

export interface Segment {
  readonly text: string;
  readonly quoted: boolean;
}

const escapeRe = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** The regular-expression source for a glob pattern (without anchors). */
function globSource(segments: readonly Segment[]): string {
  let out = '';
  for (const seg of segments) {
    if (seg.quoted) {
      out += escapeRe(seg.text);
      continue;
    }
    const t = seg.text;
    for (let i = 0; i < t.length; i++) {
      const c = t[i] ?? '';
      if (c === '*') out += '.*';
      else if (c === '?') out += '.';
      else if (c === '\\' && i + 1 < t.length) out += escapeRe(t[++i] ?? '');
      else if (c === '[') {
        const end = t.indexOf(']', i + 2);
        if (end === -1) {
          out += '\\[';
          continue;
        }
        let cls = t.slice(i + 1, end);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      } else out += escapeRe(c);
    }
  }
  return out;
}

/** Anchored matcher for a glob; a class the regex engine rejects (`[z-a]`) falls back to matching literally. */
function compile(segments: readonly Segment[], wrap: (source: string) => string): RegExp {
  try {
    return new RegExp(wrap(globSource(segments)), 's');
  } catch {
    return new RegExp(wrap(globSource(segments.map((s) => ({ text: s.text, quoted: true })))), 's');
  }
}

export function hasGlob(segments: readonly Segment[]): boolean {
  return segments.some((s) => !s.quoted && /[*?[]/.test(s.text));
}

export function globMatch(segments: readonly Segment[], text: string): boolean {
  return compile(segments, (src) => `^${src}$`).test(text);
}

/** `${x#pat}` (prefix) and `${x%pat}` (suffix), shortest or longest match. */
export function removeAffix(
  value: string,
  segments: readonly Segment[],
  where: 'prefix' | 'suffix',
  longest: boolean,
): string {
  const re = compile(segments, (src) => `^${src}$`);
  const n = value.length;
  if (where === 'prefix') {
    for (let k = longest ? n : 0; longest ? k >= 0 : k <= n; k += longest ? -1 : 1) {
      if (re.test(value.slice(0, k))) return value.slice(k);
    }
  } else {
    for (let k = longest ? 0 : n; longest ? k <= n : k >= 0; k += longest ? 1 : -1) {
      if (re.test(value.slice(k))) return value.slice(0, k);
    }
  }
  return value;
}

/** `${x/pat/rep}` and `${x//pat/rep}`: leftmost-longest matches. */
export function replacePattern(value: string, segments: readonly Segment[], replacement: string, all: boolean): string {
  if (globSource(segments) === '') return value;
  const full = compile(segments, (src) => `^(?:${src})$`);
  let out = '';
  let i = 0;
  let replaced = false;
  while (i < value.length) {
    let matched = -1;
    if (!replaced || all) {
      for (let end = value.length; end > i; end--) {
        if (full.test(value.slice(i, end))) {
          matched = end;
          break;
        }
      }
    }
    if (matched > i) {
      out += replacement;
      i = matched;
      replaced = true;
    } else {
      out += value[i];
      i++;
    }
  }
  return out;
}
