// Text utilities: echo, printf, cat, head, tail (incl. `-f`), wc, grep, tee, seq, tr, cut, sort, basename, dirname.
// Error texts follow the image's userland (busybox vs GNU coreutils).

import { basename, dirname, FS_ERROR_TEXT, type FsError, resolvePath } from '../../program/vfs.js';
import type { Exec, UtilContext, Utility } from '../io.js';

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  e: '\x1b',
  '\\': '\\',
};

/** Backslash escapes as `echo -e`, dash's echo and printf's `%b` interpret them; `\c` stops output. */
function interpretEscapes(text: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i] ?? '';
    if (n === 'c') return { text: out, stop: true };
    if (n === '0' || /[0-7]/.test(n)) {
      const m = /^0?[0-7]{1,3}/.exec(text.slice(i)) ?? [''];
      out += String.fromCharCode(Number.parseInt(m[0] || '0', 8));
      i += Math.max(m[0].length, 1) - 1;
    } else out += ESCAPES[n] ?? `\\${n}`;
  }
  return { text: out, stop: false };
}

export const echo: Utility = (argv, ctx) => {
  let args = argv.slice(1);
  let newline = true;
  // dash's echo always interprets escapes and only knows -n; bash, busybox and coreutils need -e.
  let escapes = ctx.shell === 'dash';
  while (args[0] && /^-[neE]+$/.test(args[0]) && (ctx.shell !== 'dash' || args[0] === '-n')) {
    for (const f of args[0].slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) {
    const r = interpretEscapes(text);
    text = r.text;
    if (r.stop) newline = false;
  }
  ctx.out(newline ? `${text}\n` : text);
  return 0;
};

export const printf: Utility = (argv, ctx) => {
  const format = argv[1];
  if (format === undefined) {
    ctx.complain('printf', 'usage: printf format [arg ...]');
    return 2;
  }
  const args = argv.slice(2);
  let k = 0;
  let out = '';
  do {
    const start = k;
    const r = interpretEscapes(
      format.replace(/%([-+ #0]*)(\d*)(?:\.(\d+))?([sdifxXocbu%])/g, (_m, flags: string, width: string, prec, conv) => {
        if (conv === '%') return '%';
        const arg = args[k++] ?? '';
        let v: string;
        if (conv === 's' || conv === 'b') v = conv === 'b' ? interpretEscapes(arg).text : arg;
        else if (conv === 'c') v = arg.slice(0, 1);
        else if (conv === 'f') v = (Number(arg) || 0).toFixed(prec === undefined ? 6 : Number(prec));
        else {
          const n = Math.trunc(Number(arg) || 0);
          v =
            conv === 'x'
              ? n.toString(16)
              : conv === 'X'
                ? n.toString(16).toUpperCase()
                : conv === 'o'
                  ? n.toString(8)
                  : String(n);
        }
        if (conv === 's' && prec !== undefined) v = v.slice(0, Number(prec));
        const w = Number(width || 0);
        return flags.includes('-') ? v.padEnd(w) : v.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
      }),
    );
    out += r.text;
    if (r.stop || k === start) break;
  } while (k < args.length);
  ctx.out(out);
  return 0;
};

/** The error line a file-reading tool prints, in the image's dialect. */
function cannotRead(ctx: UtilContext, tool: string, path: string, error: FsError): string {
  const text = FS_ERROR_TEXT[error];
  if (ctx.tools.style === 'busybox')
    return tool === 'cat' ? `${tool}: can't open '${path}': ${text}` : `${tool}: ${path}: ${text}`;
  return tool === 'cat' || tool === 'head' || tool === 'wc' || tool === 'grep' || tool === 'sort'
    ? `${tool}: ${path}: ${text}`
    : `${tool}: cannot open '${path}' for reading: ${text}`;
}

/** Reads the named files (or stdin when none / `-`); reports unreadable ones. */
function readInputs(tool: string, files: readonly string[], ctx: UtilContext): { text: string; failed: boolean } {
  if (files.length === 0) return { text: ctx.io.stdin.readAll(), failed: false };
  let text = '';
  let failed = false;
  for (const f of files) {
    if (f === '-') {
      text += ctx.io.stdin.readAll();
      continue;
    }
    const r = ctx.fs.read(resolvePath(f, ctx.cwd));
    if (r.ok) text += r.content;
    else {
      ctx.err(`${cannotRead(ctx, tool, f, r.error)}\n`);
      failed = true;
    }
  }
  return { text, failed };
}

const operands = (argv: readonly string[]): string[] => argv.slice(1).filter((a) => a === '-' || !a.startsWith('-'));

export const cat: Utility = (argv, ctx) => {
  const { text, failed } = readInputs('cat', operands(argv), ctx);
  ctx.out(text);
  return failed ? 1 : 0;
};

function lines(text: string): string[] {
  const ls = text.split('\n');
  if (ls[ls.length - 1] === '') ls.pop();
  return ls;
}

/** `-n N`, `-nN`, `-N` */
function countOption(args: string[], fallback: number): { n: number; rest: string[] } {
  let n = fallback;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '-n') n = Number(args[++i] ?? fallback);
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else rest.push(a);
  }
  return { n, rest };
}

export const head: Utility = (argv, ctx) => {
  const { n, rest } = countOption(argv.slice(1), 10);
  const { text, failed } = readInputs('head', rest, ctx);
  const out = lines(text).slice(0, n);
  ctx.out(out.length ? `${out.join('\n')}\n` : '');
  return failed ? 1 : 0;
};

export const tail: Utility = (argv, ctx) => {
  const args = argv.slice(1);
  const follow = args.some((a) => a === '-f' || a === '-F' || a === '--follow');
  const { n, rest } = countOption(
    args.filter((a) => a !== '-f' && a !== '-F' && a !== '--follow'),
    10,
  );
  const files = rest.filter((a) => !a.startsWith('-'));
  const { text, failed } = readInputs('tail', files, ctx);
  const out = lines(text).slice(-n);
  if (n > 0 && out.length) ctx.out(`${out.join('\n')}\n`);
  if (!follow || files.length === 0) return failed ? 1 : 0;
  return followFiles(files, ctx);
};

/** `tail -f`: polls once a simulated second and prints what was appended; never returns. */
function* followFiles(files: readonly string[], ctx: UtilContext): Exec {
  const paths = files.map((f) => resolvePath(f, ctx.cwd));
  if (paths.every((p) => p === '/dev/null')) {
    yield { kind: 'sleep', ms: Number.POSITIVE_INFINITY };
    return 0;
  }
  const seen = paths.map((p) => {
    const r = ctx.fs.read(p);
    return r.ok ? r.content.length : 0;
  });
  for (;;) {
    yield { kind: 'sleep', ms: 1000 };
    paths.forEach((p, i) => {
      const r = ctx.fs.read(p);
      const content = r.ok ? r.content : '';
      const from = seen[i] ?? 0;
      if (content.length > from) ctx.out(content.slice(from));
      seen[i] = content.length;
    });
  }
}

export const wc: Utility = (argv, ctx) => {
  const flags = argv
    .slice(1)
    .filter((a) => a.startsWith('-') && a !== '-')
    .join('');
  const { text, failed } = readInputs('wc', operands(argv), ctx);
  const counts: number[] = [];
  const all = flags === '';
  if (all || flags.includes('l')) counts.push((text.match(/\n/g) ?? []).length);
  if (all || flags.includes('w')) counts.push(text.split(/\s+/).filter(Boolean).length);
  if (all || flags.includes('c') || flags.includes('m')) counts.push(Buffer.byteLength(text));
  ctx.out(`${counts.map((c) => (counts.length > 1 ? String(c).padStart(7) : String(c))).join(' ')}\n`);
  return failed ? 1 : 0;
};

/** Basic regular expressions to JavaScript: `\|`, `\+`, `\?`, `\(`, `\)` are the operators; bare ones are literal. */
function breToJs(pattern: string): string {
  return pattern.replace(/\\([|+?(){}])|([|+?(){}])/g, (_m, escaped: string | undefined, bare: string | undefined) =>
    escaped ? escaped : `\\${bare}`,
  );
}

export const grep: Utility = (argv, ctx) => {
  let flags = '';
  const rest: string[] = [];
  let pattern: string | undefined;
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '-e') pattern = args[++i];
    else if (a.startsWith('-') && a.length > 1 && rest.length === 0 && pattern === undefined) flags += a.slice(1);
    else if (pattern === undefined) pattern = a;
    else rest.push(a);
  }
  if (pattern === undefined) {
    ctx.err('Usage: grep [OPTION]... PATTERNS [FILE]...\n');
    return 2;
  }
  const extended = flags.includes('E') || argv[0] === 'egrep';
  const fixed = flags.includes('F') || argv[0] === 'fgrep';
  const source = fixed ? pattern.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&') : extended ? pattern : breToJs(pattern);
  let re: RegExp;
  try {
    re = new RegExp(flags.includes('w') ? `\\b(?:${source})\\b` : source, flags.includes('i') ? 'i' : '');
  } catch {
    ctx.err(`grep: Invalid regular expression\n`);
    return 2;
  }
  const { text, failed } = readInputs('grep', rest, ctx);
  const matched = lines(text)
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => re.test(line) !== flags.includes('v'));
  if (!flags.includes('q')) {
    if (flags.includes('c')) ctx.out(`${matched.length}\n`);
    else for (const m of matched) ctx.out(`${flags.includes('n') ? `${m.i + 1}:` : ''}${m.line}\n`);
  }
  if (failed && !flags.includes('s')) return 2;
  return matched.length > 0 ? 0 : 1;
};

export const tee: Utility = (argv, ctx) => {
  const append = argv.includes('-a');
  const text = ctx.io.stdin.readAll();
  let status = 0;
  for (const f of operands(argv)) {
    const error = ctx.fs.write(resolvePath(f, ctx.cwd), text, append);
    if (error) {
      ctx.err(`tee: ${f}: ${FS_ERROR_TEXT[error]}\n`);
      status = 1;
    }
  }
  ctx.out(text);
  return status;
};

export const seq: Utility = (argv, ctx) => {
  const nums = argv.slice(1).map(Number);
  const [first, inc, last] = nums.length === 1 ? [1, 1, nums[0]] : nums.length === 2 ? [nums[0], 1, nums[1]] : nums;
  if ([first, inc, last].some((n) => n === undefined || Number.isNaN(n)) || inc === 0) {
    ctx.err(`seq: invalid argument\n`);
    return 1;
  }
  const out: number[] = [];
  for (let n = first ?? 1; (inc ?? 1) > 0 ? n <= (last ?? 0) : n >= (last ?? 0); n += inc ?? 1) out.push(n);
  ctx.out(out.map((n) => `${n}\n`).join(''));
  return 0;
};

function expandSet(set: string): string {
  return set.replace(/(.)-(.)/g, (_m, a: string, b: string) => {
    let s = '';
    for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) s += String.fromCharCode(c);
    return s;
  });
}

export const tr: Utility = (argv, ctx) => {
  const del = argv[1] === '-d';
  const sets = argv.slice(del ? 2 : 1).map((s) => expandSet(interpretEscapes(s).text));
  const from = sets[0] ?? '';
  const to = sets[1] ?? '';
  let out = '';
  for (const c of ctx.io.stdin.readAll()) {
    const i = from.indexOf(c);
    if (i === -1) out += c;
    else if (!del) out += to[Math.min(i, to.length - 1)] ?? '';
  }
  ctx.out(out);
  return 0;
};

export const cut: Utility = (argv, ctx) => {
  let delim = '\t';
  let fields: number[] = [];
  const files: string[] = [];
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '-d') delim = args[++i] ?? delim;
    else if (a.startsWith('-d')) delim = a.slice(2);
    else if (a === '-f' || a.startsWith('-f')) {
      const spec = a === '-f' ? (args[++i] ?? '') : a.slice(2);
      fields = spec.split(',').flatMap((r) => {
        const [lo, hi] = r.split('-').map((x) => (x === '' ? undefined : Number(x)));
        const end = r.includes('-') ? (hi ?? 64) : (lo ?? 1);
        const out: number[] = [];
        for (let f = lo ?? 1; f <= end; f++) out.push(f);
        return out;
      });
    } else files.push(a);
  }
  const { text, failed } = readInputs('cut', files, ctx);
  for (const line of lines(text)) {
    const parts = line.split(delim);
    ctx.out(
      `${
        parts.length === 1
          ? line
          : fields
              .map((f) => parts[f - 1])
              .filter((p) => p !== undefined)
              .join(delim)
      }\n`,
    );
  }
  return failed ? 1 : 0;
};

export const sort: Utility = (argv, ctx) => {
  const flags = argv
    .slice(1)
    .filter((a) => /^-[a-z]+$/.test(a))
    .join('');
  const { text, failed } = readInputs('sort', operands(argv), ctx);
  let ls = lines(text);
  ls.sort(flags.includes('n') ? (a, b) => Number.parseFloat(a) - Number.parseFloat(b) : undefined);
  if (flags.includes('r')) ls.reverse();
  if (flags.includes('u')) ls = ls.filter((l, i) => i === 0 || l !== ls[i - 1]);
  ctx.out(ls.map((l) => `${l}\n`).join(''));
  return failed ? 2 : 0;
};

export const basenameUtil: Utility = (argv, ctx) => {
  const [path = '', suffix] = argv.slice(1);
  const base = basename(path);
  ctx.out(`${suffix && base !== suffix && base.endsWith(suffix) ? base.slice(0, -suffix.length) : base}\n`);
  return 0;
};

export const dirnameUtil: Utility = (argv, ctx) => {
  const path = (argv[1] ?? '.').replace(/\/+$/, '') || '/';
  ctx.out(`${path.includes('/') ? dirname(path) : '.'}\n`);
  return 0;
};
