// Lexical helpers the python/node mini-interpreters share: splitting at top level (outside strings and
// brackets) and reading string literals.

/** Thrown when a script does something the mini-interpreters do not model; the program then runs opaquely. */
export class Opaque extends Error {}

/** Splits `text` on any of `seps` where not inside quotes or brackets. */
export function splitTopLevel(text: string, seps: readonly string[]): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0) {
      const sep = seps.find((s) => text.startsWith(s, i));
      if (sep !== undefined) {
        out.push(text.slice(start, i));
        i += sep.length - 1;
        start = i + 1;
      }
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

const ESC: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  $: '$',
};

/** A whole-string literal `'..'`, `".."` (or backquoted): its value, or undefined when `text` is not one. */
export function stringLiteral(text: string): { value: string; quote: string } | undefined {
  const q = text[0];
  if ((q !== '"' && q !== "'" && q !== '`') || text.length < 2 || text[text.length - 1] !== q) return undefined;
  let value = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i] ?? '';
    if (c === q) return undefined;
    if (c === '\\') value += ESC[text[++i] ?? ''] ?? `\\${text[i] ?? ''}`;
    else value += c;
  }
  return { value, quote: q };
}

/** Index of the bracket closing the one at `open`, skipping strings; -1 when unbalanced. */
export function matchingClose(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth === 0) return i;
  }
  return -1;
}

/** `name(args)` where the call's parentheses close at the very end: the inside, or undefined. */
export function callArgs(text: string, name: string): string | undefined {
  if (!text.startsWith(`${name}(`)) return undefined;
  return matchingClose(text, name.length) === text.length - 1 ? text.slice(name.length + 1, -1) : undefined;
}
