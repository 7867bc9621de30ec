import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  BitcaskError,
  isRecordKind,
  MemoryError,
  type MemoryManager,
  type MemoryRecord,
  memoryDir,
  openMemory,
  RECORD_KINDS,
  type RecordKind,
  resolveStateDir,
} from '../../memory/index.js';
import { CliError, type Command, type CommandIo } from '../command.js';

const USAGE = `Usage: kubemend memory <stats|get|search|verify|compact> [flags]

Inspect the memory kubemend keeps (incidents, fixes, agents' tasks, outputs and jobs).

Subcommands:
  stats                        store size, memory spaces and their records
  get KEY | SPACE/KIND/ID      one record (or any raw store key)
  search QUERY...              records ranked by relevance (English and Chinese)
  verify                       check every stored record; exit 1 if any is corrupt
  compact                      delete expired records and merge the data files (needs kubemend run stopped)

Flags:
  --state-dir DIR     kubemend's state directory (default: $KUBEMEND_STATE_DIR, else ./.kubemend)
  -o, --output FMT    table (default) or json
  --space S           search: only this space (repeatable)
  --kind K            search: only this record kind (repeatable: ${RECORD_KINDS.join(', ')})
  --limit N           search: at most N records (default 10)

stats, get, search and verify open the store read-only, so they work while kubemend run holds it.
`;

const SUBCOMMANDS = ['stats', 'get', 'search', 'verify', 'compact'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

interface Context {
  readonly io: CommandIo;
  readonly stateDir: string;
  /** The memory store: `<stateDir>/memory`. */
  readonly dir: string;
  readonly json: boolean;
  readonly args: readonly string[];
  readonly values: { readonly space?: string[]; readonly kind?: string[]; readonly limit?: string };
}

export const memoryCommand: Command = {
  name: 'memory',
  summary: 'inspect kubemend memory: stats, get, search, verify, compact',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'state-dir': { type: 'string' },
        output: { type: 'string', short: 'o' },
        space: { type: 'string', multiple: true },
        kind: { type: 'string', multiple: true },
        limit: { type: 'string' },
      },
    });
    const [sub, ...args] = positionals;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new CliError(
        sub ? `unknown memory subcommand "${sub}"` : 'missing memory subcommand',
        `one of: ${SUBCOMMANDS.join(', ')} (kubemend memory --help)`,
        2,
      );
    }
    const output = values.output ?? 'table';
    if (output !== 'table' && output !== 'json') {
      throw new CliError(`unknown output format "${output}"`, 'use -o json or -o table', 2);
    }
    if (sub !== 'search' && (values.space || values.kind || values.limit)) {
      throw new CliError('--space, --kind and --limit only apply to search', undefined, 2);
    }
    const stateDir = resolveStateDir({ flag: values['state-dir'], env: io.env, cwd: io.cwd });
    const ctx: Context = { io, stateDir, dir: memoryDir(stateDir), json: output === 'json', args, values };
    const memory = await open(ctx, sub !== 'compact');
    try {
      return await RUNNERS[sub as Subcommand](memory, ctx);
    } catch (error) {
      throw explain(error, ctx);
    } finally {
      await memory.close();
    }
  },
};

const RUNNERS: Readonly<Record<Subcommand, (memory: MemoryManager, ctx: Context) => Promise<number>>> = {
  stats: async (memory, ctx) => {
    const stats = memory.stats();
    if (ctx.json) return printJson(ctx, { dir: ctx.dir, ...stats });
    const { store, index } = stats;
    const total = store.liveBytes + store.deadBytes;
    const deadShare = total > 0 ? ` (${Math.round((100 * store.deadBytes) / total)}%)` : '';
    const avg = index.docs > 0 ? ` (${(index.tokens / index.docs).toFixed(1)} terms each)` : '';
    let out = table([
      ['memory store', ctx.dir],
      ['keys', String(store.keys)],
      ['live data', formatBytes(store.liveBytes)],
      ['dead data', `${formatBytes(store.deadBytes)}${deadShare}`],
      ['data files', String(store.files)],
      ['indexed', `${index.docs} records${avg}`],
      ...(store.corruptRecords > 0
        ? [['damaged', `${store.corruptRecords} records skipped at open (see kubemend memory verify)`]]
        : []),
    ]);
    const header = ['SPACE', 'TTL', ...RECORD_KINDS.map((k) => k.toUpperCase()), 'DESCRIPTION'];
    const rows = stats.spaces.map((s) => [
      s.config.name,
      s.config.ttlMs === undefined ? '-' : formatDuration(s.config.ttlMs),
      ...RECORD_KINDS.map((k) => String(s.records[k])),
      s.config.description ?? '',
    ]);
    out += rows.length > 0 ? `\n${table([header, ...rows])}` : '\nno memory spaces yet\n';
    return print(ctx, out);
  },

  get: async (memory, ctx) => {
    const [arg, ...extra] = ctx.args;
    if (!arg || extra.length > 0) {
      throw new CliError('get takes one KEY or SPACE/KIND/ID', 'kubemend memory get experience/fix/<id>', 2);
    }
    // SPACE/KIND/ID, or a record's full store key (sp/SPACE/KIND/ID); anything else is a raw store key.
    const record = [arg, arg.replace(/^sp\//, '')]
      .map(recordRef)
      .map((ref) => (ref && memory.hasSpace(ref.space) ? memory.get(ref) : undefined))
      .find((r) => r !== undefined);
    if (record) return ctx.json ? printJson(ctx, record) : print(ctx, formatRecord(record));
    const raw = memory.getRaw(arg);
    if (!raw) {
      throw new CliError(`no record or key "${arg}" in ${ctx.dir}`, 'find records with: kubemend memory search WORDS');
    }
    const text = raw.toString('utf8');
    // The engine takes any bytes; what is not UTF-8 (nothing kubemend writes) is shown as base64.
    const [label, shown] = Buffer.from(text, 'utf8').equals(raw) ? ['value', text] : ['base64', raw.toString('base64')];
    if (ctx.json) return printJson(ctx, { key: arg, [label]: label === 'value' ? parseJson(text) : shown });
    return print(
      ctx,
      table([
        ['key', arg],
        [label, shown],
      ]),
    );
  },

  search: async (memory, ctx) => {
    const query = ctx.args.join(' ').trim();
    if (!query) throw new CliError('search needs a QUERY', 'kubemend memory search "memory limit oom"', 2);
    const limit = ctx.values.limit === undefined ? 10 : Number(ctx.values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new CliError(`--limit must be a positive integer, got "${ctx.values.limit}"`, undefined, 2);
    }
    const kinds = (ctx.values.kind ?? []).map((kind): RecordKind => {
      if (!isRecordKind(kind)) {
        throw new CliError(`unknown record kind "${kind}"`, `one of: ${RECORD_KINDS.join(', ')}`, 2);
      }
      return kind;
    });
    const hits = memory.search({
      query,
      limit,
      ...(ctx.values.space ? { spaces: ctx.values.space } : {}),
      ...(kinds.length > 0 ? { kinds } : {}),
    });
    if (ctx.json)
      return printJson(
        ctx,
        hits.map((h) => ({ score: h.score, key: refPath(h.record), record: h.record })),
      );
    if (hits.length === 0) return print(ctx, `no records match "${query}"\n`);
    const rows = hits.map((h) => [
      h.score.toFixed(2),
      refPath(h.record),
      formatTime(h.record.time),
      oneLine(h.record.text, 70),
    ]);
    return print(ctx, table([['SCORE', 'RECORD', 'TIME', 'TEXT'], ...rows]));
  },

  verify: async (memory, ctx) => {
    const report = memory.verify();
    const code = report.ok ? 0 : 1;
    if (ctx.json) {
      printJson(ctx, report);
      return code;
    }
    if (report.ok) {
      print(ctx, `ok: ${report.records} records checked, none corrupt\n`);
    } else {
      const rows = report.corrupt.map((c) => [c.file ?? '-', String(c.offset ?? '-'), c.key ?? '?', c.reason]);
      const header = `${report.corrupt.length} corrupt of ${report.records} records checked:`;
      print(ctx, `${header}\n${table([['FILE', 'OFFSET', 'KEY', 'REASON'], ...rows])}`);
    }
    for (const tail of report.tornTails) {
      print(
        ctx,
        `note: ${tail.file} ends in ${tail.bytes} bytes of an unfinished write at offset ${tail.offset} (tolerated)\n`,
      );
    }
    for (const hint of report.damagedHints) {
      print(ctx, `note: hint file ${hint} is damaged; its data file is read instead\n`);
    }
    return code;
  },

  compact: async (memory, ctx) => {
    const result = await memory.compact();
    if (ctx.json) return printJson(ctx, result);
    return print(
      ctx,
      `compacted ${ctx.dir}: ${result.expired} expired records deleted, data files ${result.filesBefore} -> ${result.filesAfter}, ` +
        `${formatBytes(result.bytesReclaimed)} reclaimed\n`,
    );
  },
};

async function open(ctx: Context, readOnly: boolean): Promise<MemoryManager> {
  if (!existsSync(ctx.dir)) {
    throw new CliError(
      `no memory store at ${ctx.dir} — kubemend run creates it`,
      'pass --state-dir (or set KUBEMEND_STATE_DIR) to the state directory kubemend run uses',
    );
  }
  const warned = new Set<string>();
  const onCorrupt = (key: string, error: unknown): void => {
    if (warned.has(key)) return;
    warned.add(key);
    ctx.io.stderr.write(
      `warning: skipped damaged entry ${key}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  };
  try {
    return await openMemory({ dir: ctx.dir, readOnly, onCorrupt });
  } catch (error) {
    throw explain(error, ctx);
  }
}

/** Store and memory errors a person can act on become CliErrors; anything else stays a bug report. */
function explain(error: unknown, ctx: Context): unknown {
  const code = error instanceof BitcaskError || error instanceof MemoryError ? error.code : undefined;
  switch (code) {
    case 'LOCKED':
      return new CliError(
        `memory store at ${ctx.dir} is in use by another process: ${(error as Error).message}`,
        'stats, get, search and verify work while it runs (they open the store read-only); stop that process to compact',
      );
    case 'CORRUPT':
      return new CliError(
        `memory store at ${ctx.dir} is damaged: ${(error as Error).message}`,
        `list the damage with: kubemend memory verify --state-dir ${ctx.stateDir}`,
      );
    case 'UNKNOWN_SPACE':
      return new CliError((error as Error).message, 'list the spaces with: kubemend memory stats');
    default:
      return error;
  }
}

function recordRef(path: string): { space: string; kind: RecordKind; id: string } | undefined {
  const [space, kind, id, ...rest] = path.split('/');
  return space && kind && id && rest.length === 0 && isRecordKind(kind) ? { space, kind, id } : undefined;
}

function refPath(record: MemoryRecord): string {
  return `${record.space}/${record.kind}/${record.id}`;
}

function formatRecord(record: MemoryRecord): string {
  const rows: [string, string][] = [
    ['record', refPath(record)],
    ['time', formatTime(record.time)],
    ['tags', record.tags.join(', ') || '-'],
  ];
  if (record.subject !== undefined) rows.push(['subject', record.subject]);
  if (record.mergedFrom) rows.push(['merged from', record.mergedFrom.join(', ')]);
  if (record.data !== undefined) rows.push(['data', JSON.stringify(record.data)]);
  return `${table(rows)}\n${record.text}\n`;
}

function print(ctx: Context, text: string): number {
  ctx.io.stdout.write(text);
  return 0;
}

function printJson(ctx: Context, value: unknown): number {
  return print(ctx, `${JSON.stringify(value, null, 2)}\n`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Columns padded to their widest cell; CJK characters take two terminal columns. */
function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - displayWidth(cell))))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}

function oneLine(text: string, maxWidth: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  let out = '';
  let width = 0;
  for (const char of flat) {
    width += displayWidth(char);
    if (width > maxWidth - 1) return `${out}…`;
    out += char;
  }
  return out;
}

function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [suffix, size] of units) {
    if (ms >= size) return `${Number((ms / size).toFixed(1))}${suffix}`;
  }
  return `${ms}ms`;
}
