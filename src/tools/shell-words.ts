// POSIX-style word splitting without a shell: quotes and escapes are honoured so `-p '{"a": 1}'` stays one
// argument, and everything a shell would interpret (pipes, lists, redirects, substitutions, expansions) is
// refused rather than passed on literally — a command the model wrote for a shell must not half-run.

export type SplitResult =
  | { readonly ok: true; readonly argv: readonly string[] }
  | { readonly ok: false; readonly code: 'COMPOUND' | 'UNTERMINATED' | 'EXPANSION'; readonly message: string };

const OPERATORS = new Set(['|', ';', '&', '<', '>', '(', ')', '\n', '\r']);

function refuse(code: 'COMPOUND' | 'EXPANSION', what: string): SplitResult {
  const message =
    code === 'COMPOUND'
      ? `shell syntax (${what}) is not supported: run one kubectl command, without pipes, lists or redirects`
      : `shell expansion (${what}) is not supported: write the literal value, or quote it with single quotes`;
  return { ok: false, code, message };
}

/** Splits `text` into argv the way sh would for a single simple command, or says why it cannot. */
export function splitShellWords(text: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  // Distinguishes an empty quoted argument ('') from no argument at all.
  let inWord = false;
  let i = 0;
  const end = () => {
    if (inWord) argv.push(word);
    word = '';
    inWord = false;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      end();
      i++;
      continue;
    }
    if (OPERATORS.has(c)) return refuse('COMPOUND', JSON.stringify(c));
    if (c === '`') return refuse('EXPANSION', 'backticks');
    if (c === '$') return refuse('EXPANSION', '$');
    if (c === '#' && !inWord) return refuse('COMPOUND', 'a # comment');
    if (c === '\\') {
      if (i + 1 >= text.length)
        return { ok: false, code: 'UNTERMINATED', message: 'the command ends with a backslash' };
      word += text[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { ok: false, code: 'UNTERMINATED', message: 'unterminated single quote' };
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i] as string;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '`') return refuse('EXPANSION', 'backticks');
        if (d === '$') return refuse('EXPANSION', '$ inside double quotes');
        // Inside double quotes a backslash only escapes the characters the shell would otherwise interpret.
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] as string)) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) return { ok: false, code: 'UNTERMINATED', message: 'unterminated double quote' };
      inWord = true;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  end();
  return { ok: true, argv };
}
