// `stress` 1.0.4 (what polinux/stress ships): parses its options exactly as stress.c does (no `--opt=value`
// forms), prints its dispatch line, and its vm workers hold N x --vm-bytes of memory within about a second,
// which is what gets a container OOM-killed under a smaller limit.

import type { Proc } from '../proc.js';
import { flat, type TimedLine, TimelineProc } from '../timeline-proc.js';
import { MIB, type ProgramEnv } from './program.js';

const RAMP_MS = 1000;
/** Above this a vm worker's malloc fails before the cgroup limit matters. */
const MALLOC_LIMIT = 256 * 1024 * MIB;

interface StressOptions {
  verbose: boolean;
  quiet: boolean;
  timeoutS: number;
  cpu: number;
  io: number;
  vm: number;
  vmBytes: number;
  vmHang: number;
  hdd: number;
}

class StressExit extends Error {
  constructor(
    readonly code: number,
    readonly lines: readonly TimedLine[],
  ) {
    super('stress exited');
  }
}

const SIZE_SHIFT: Readonly<Record<string, number>> = { b: 0, k: 10, m: 20, g: 30 };
const TIME_FACTOR: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, y: 31_536_000 };

/** sscanf("%lli"): a leading decimal, hex (0x) or octal (0) integer. */
function leadingInt(text: string): number | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text);
  if (!m?.[2]) return undefined;
  const digits = m[2];
  const v = /^0[xX]/.test(digits)
    ? Number.parseInt(digits, 16)
    : /^0/.test(digits)
      ? Number.parseInt(digits || '0', 8)
      : Number(digits);
  return m[1] === '-' ? -v : v;
}

function usage(prog: string): string[] {
  return [
    `\`${prog}' imposes certain types of compute stress on your system`,
    '',
    `Usage: ${prog} [OPTION [ARG]] ...`,
    ' -?, --help         show this help statement',
    '     --version      show version statement',
    ' -v, --verbose      be verbose',
    ' -q, --quiet        be quiet',
    ' -n, --dry-run      show what would have been done',
    ' -t, --timeout N    timeout after N seconds',
    '     --backoff N    wait factor of N microseconds before work starts',
    ' -c, --cpu N        spawn N workers spinning on sqrt()',
    ' -i, --io N         spawn N workers spinning on sync()',
    ' -m, --vm N         spawn N workers spinning on malloc()/free()',
    '     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)',
    '     --vm-stride B  touch a byte every B bytes (default is 4096)',
    '     --vm-hang N    sleep N secs before free (default none, 0 is inf)',
    '     --vm-keep      redirty memory instead of freeing and reallocating',
    ' -d, --hdd N        spawn N workers spinning on write()/unlink()',
    '     --hdd-bytes B  write B bytes per hdd worker (default is 1GB)',
    '',
    `Example: ${prog} --cpu 8 --io 4 --vm 2 --vm-bytes 128M --timeout 10s`,
    '',
    'Note: Numbers may be suffixed with s,m,h,d,y (time) or B,K,M,G (size).',
  ];
}

function parse(argv: readonly string[], prog: string, pid: number): StressOptions {
  const o: StressOptions = {
    verbose: false,
    quiet: false,
    timeoutS: 0,
    cpu: 0,
    io: 0,
    vm: 0,
    vmBytes: 256 * MIB,
    vmHang: -1,
    hdd: 0,
  };
  const fail = (line: number, message: string): never => {
    throw new StressExit(1, [{ atMs: 0, stream: 'stderr', text: `${prog}: FAIL: [${pid}] (${line}) ${message}` }]);
  };
  const suffixed = (arg: string, table: Readonly<Record<string, number>>, size: boolean): number => {
    const last = arg[arg.length - 1]?.toLowerCase() ?? '';
    if (!/\d/.test(last) && table[last] === undefined)
      fail(size ? 556 : 614, `unrecognized suffix: ${arg[arg.length - 1]}`);
    const v = leadingInt(arg);
    if (v === undefined) fail(size ? 563 : 621, `invalid number: ${arg}`);
    const factor = table[last];
    if (factor === undefined) return v ?? 0;
    return size ? (v ?? 0) * 2 ** factor : (v ?? 0) * factor;
  };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (name: string): string => {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && !/\d/.test(next[1] ?? '')))
        fail(118, `missing argument to option '${name}'`);
      i++;
      return next ?? '';
    };
    if (arg === '--help' || arg === '-?')
      throw new StressExit(
        0,
        usage(prog).map((text) => ({ atMs: 0, stream: 'stdout', text })),
      );
    if (arg === '--version') throw new StressExit(0, [{ atMs: 0, stream: 'stdout', text: `${prog} 1.0.4` }]);
    if (arg === '--verbose' || arg === '-v') o.verbose = true;
    else if (arg === '--quiet' || arg === '-q') o.quiet = true;
    else if (arg === '--dry-run' || arg === '-n' || arg === '--vm-keep') continue;
    else if (arg === '--backoff' || arg === '--vm-stride' || arg === '--hdd-bytes') value(arg);
    else if (arg === '--timeout' || arg === '-t') {
      o.timeoutS = suffixed(value('--timeout'), TIME_FACTOR, false);
      if (o.timeoutS <= 0) fail(180, `invalid timeout value: ${o.timeoutS}s`);
    } else if (arg === '--cpu' || arg === '-c') o.cpu = positive(suffixed(value('--cpu'), SIZE_SHIFT, true), 'cpu');
    else if (arg === '--io' || arg === '-i') o.io = positive(suffixed(value('--io'), SIZE_SHIFT, true), 'io');
    else if (arg === '--vm' || arg === '-m') o.vm = positive(suffixed(value('--vm'), SIZE_SHIFT, true), 'vm');
    else if (arg === '--vm-bytes') {
      o.vmBytes = suffixed(value('--vm-bytes'), SIZE_SHIFT, true);
      if (o.vmBytes <= 0) fail(230, `invalid vm byte value: ${o.vmBytes}`);
    } else if (arg === '--vm-hang') o.vmHang = suffixed(value('--vm-hang'), SIZE_SHIFT, true);
    else if (arg === '--hdd' || arg === '-d') o.hdd = positive(suffixed(value('--hdd'), SIZE_SHIFT, true), 'hdd');
    else fail(286, `unrecognized option: ${arg}`);
  }
  function positive(n: number, what: string): number {
    if (n <= 0) fail(200, `invalid number of ${what} hogs: ${n}`);
    return n;
  }
  return o;
}

export function startStress(argv: readonly string[], env: ProgramEnv): Proc {
  const prog = (argv[0] ?? 'stress').split('/').pop() ?? 'stress';
  const pid = env.pid;
  const base = 1.2 * MIB;
  const quick = (code: number, lines: readonly TimedLine[]): Proc =>
    new TimelineProc({ lines, exit: { atMs: 0, code }, memory: flat(base), cpu: flat(0) }, env.io);
  let o: StressOptions;
  try {
    o = parse(argv, prog, pid);
  } catch (e) {
    if (e instanceof StressExit) return quick(e.code, e.lines);
    throw e;
  }
  const workers = o.cpu + o.io + o.vm + o.hdd;
  if (workers === 0)
    return quick(
      0,
      usage(prog).map((text) => ({ atMs: 0, stream: 'stdout', text })),
    );
  const info = (atMs: number, text: string): TimedLine => ({
    atMs,
    stream: 'stdout',
    text: `${prog}: info: [${pid}] ${text}`,
  });
  const lines: TimedLine[] = o.quiet
    ? []
    : [info(0, `dispatching hogs: ${o.cpu} cpu, ${o.io} io, ${o.vm} vm, ${o.hdd} hdd`)];
  const dbg = (atMs: number, who: number, text: string): void => {
    if (o.verbose) lines.push({ atMs, stream: 'stdout', text: `${prog}: dbug: [${who}] ${text}` });
  };
  dbg(0, pid, `using backoff sleep of ${3000 * workers}us`);
  if (o.timeoutS > 0) dbg(0, pid, `setting timeout to ${o.timeoutS}s`);
  const vmPids = Array.from({ length: o.vm }, (_, k) => pid + 6 + o.cpu + o.io + k);
  for (const w of vmPids) {
    dbg(1, pid, `--> hogvm worker ${o.vm - vmPids.indexOf(w)} [${w}] forked`);
    dbg(10, w, `allocating ${o.vmBytes} bytes ...`);
    dbg(10, w, 'touching bytes in strides of 4096 bytes ...');
    if (o.vmHang === 0) dbg(RAMP_MS, w, 'sleeping forever with allocated memory');
  }
  if (o.vmBytes > MALLOC_LIMIT && o.vm > 0) {
    const worker = vmPids[0] ?? pid + 6;
    const fail = (text: string): TimedLine => ({ atMs: 10, stream: 'stderr', text });
    lines.push(
      fail(`${prog}: FAIL: [${worker}] (494) hogvm malloc failed: Cannot allocate memory`),
      fail(`${prog}: FAIL: [${pid}] (394) <-- worker ${worker} returned error 1`),
      fail(`${prog}: WARN: [${pid}] (396) now reaping child worker processes`),
      fail(`${prog}: FAIL: [${pid}] (451) failed run completed in 0s`),
    );
    return new TimelineProc({ lines, exit: { atMs: 10, code: 1 }, memory: flat(base), cpu: flat(0) }, env.io);
  }
  const timeoutMs = o.timeoutS * 1000;
  if (timeoutMs > 0 && !o.quiet) lines.push(info(timeoutMs, `successful run completed in ${o.timeoutS}s`));
  const total = o.vm * o.vmBytes;
  const hanging = o.vmHang >= 0;
  return new TimelineProc(
    {
      lines,
      ...(timeoutMs > 0 ? { exit: { atMs: timeoutMs, code: 0 } } : {}),
      memory: (t) => base + total * Math.min(1, Math.max(0, t) / RAMP_MS),
      cpu: (t) => 1000 * (o.cpu + o.hdd * 0.5 + o.io * 0.2) + (hanging && t >= RAMP_MS ? 0 : 1000 * o.vm),
    },
    env.io,
  );
}
