// A small, predictable stand-in for the image catalogue and program model, so kubelet tests pin down the
// kubelet's own behaviour (back-offs, restarts, probes, status) independently of the program model.
//
// Programs, chosen by the container command:
//   (nginx image, no command)     serves 200 on / and 404 elsewhere on port 80, forever
//   crash MSG CODE AFTER_MS       prints MSG, exits with CODE after AFTER_MS
//   hog BYTES RAMP_MS             memory grows linearly to BYTES over RAMP_MS
//   env VAR...                    prints VAR=value for each name, then runs forever
//   cat PATH                      prints the file's lines, then runs forever
//   (anything else)               runs forever, serves its declared ports

import type { ContainerRuntime } from '../../../src/sim/kubelet/container-runtime.js';
import type { ImageInfo, PullResult } from '../../../src/sim/kubelet/images.js';
import type { ContainerInput, ProgramEvent, RunningProgram } from '../../../src/sim/kubelet/program/types.js';

function image(ref: string, behaviour: ImageInfo['behaviour'], ports: number[], sizeBytes: number): ImageInfo {
  const [repository, tag = 'latest'] = ref.split(':') as [string, string | undefined];
  return {
    ref: `docker.io/library/${repository}:${tag}`,
    registry: 'docker.io',
    repository: `library/${repository}`,
    tag,
    digest: `sha256:${'ab'.repeat(32)}`,
    sizeBytes,
    entrypoint: [],
    cmd: [],
    behaviour,
    ports,
  };
}

const CATALOGUE: Record<string, ImageInfo> = {
  'nginx:1.27': image('nginx:1.27', 'nginx', [80], 72_000_000),
  'busybox:1.36': image('busybox:1.36', 'busybox', [], 4_300_000),
  'app:1.0': image('app:1.0', 'generic', [], 30_000_000),
  app: image('app', 'generic', [], 30_000_000),
};

export function fakePull(ref: string, secrets: readonly string[]): PullResult {
  if (ref.includes(' '))
    return {
      ok: false,
      reason: 'InvalidImageName',
      message: `Failed to apply default image tag "${ref}": couldn't parse image name "${ref}": invalid reference format`,
    };
  const hit = CATALOGUE[ref];
  if (hit) return { ok: true, image: hit };
  if (ref.startsWith('private.example.com/') && secrets.length > 0)
    return { ok: true, image: image('app:1.0', 'generic', [], 30_000_000) };
  const full = `docker.io/library/${ref}`;
  return {
    ok: false,
    reason: 'ErrImagePull',
    message: `Failed to pull image "${ref}": rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`,
  };
}

export function fakeProgram(input: ContainerInput): RunningProgram {
  const argv = [...(input.command ?? []), ...(input.args ?? [])];
  const cmd = argv[0];
  let at = 0;
  let exitedAt: number | undefined;
  const pending: ProgramEvent[] = [];
  const script: ProgramEvent[] = [];
  if (cmd === 'crash') {
    script.push({ type: 'log', stream: 'stdout', line: argv[1] ?? 'boom', atMs: 100 });
    script.push({ type: 'exit', code: Number(argv[2] ?? 1), atMs: Number(argv[3] ?? 500) });
  } else if (cmd === 'env') {
    for (const name of argv.slice(1))
      script.push({ type: 'log', stream: 'stdout', line: `${name}=${input.env[name] ?? ''}`, atMs: 10 });
  } else if (cmd === 'cat') {
    const content = input.files[argv[1] ?? ''];
    if (content === undefined) {
      script.push({
        type: 'log',
        stream: 'stderr',
        line: `cat: can't open '${argv[1]}': No such file or directory`,
        atMs: 10,
      });
      script.push({ type: 'exit', code: 1, atMs: 20 });
    } else for (const line of content.split('\n')) script.push({ type: 'log', stream: 'stdout', line, atMs: 10 });
  }
  const nginx = input.image.behaviour === 'nginx' && !cmd;
  const ports = nginx ? [80] : input.ports;
  const alive = () => exitedAt === undefined;
  return {
    advance(ms) {
      const out: ProgramEvent[] = [...pending];
      pending.length = 0;
      for (const ev of script) {
        if (ev.atMs <= at || ev.atMs > ms || !alive()) continue;
        out.push(ev);
        if (ev.type === 'exit') exitedAt = ev.atMs;
      }
      at = ms;
      return out;
    },
    memoryBytes(ms) {
      if (exitedAt !== undefined && ms >= exitedAt) return 0;
      if (cmd === 'hog') return Math.min(1, ms / Number(argv[2] ?? 1000)) * Number(argv[1] ?? 0);
      return 5 * 1024 * 1024;
    },
    cpuMillis(ms) {
      if (exitedAt !== undefined && ms >= exitedAt) return 0;
      return cmd === 'hog' ? 900 : nginx ? 2 : 1;
    },
    httpGet(port, path) {
      if (!alive() || !ports.includes(port)) return { refused: true };
      if (nginx) {
        pending.push({
          type: 'log',
          stream: 'stdout',
          line: `"GET ${path} HTTP/1.1" ${path === '/' ? 200 : 404}`,
          atMs: at,
        });
        return { status: path === '/' ? 200 : 404 };
      }
      return { status: 200 };
    },
    tcpOpen(port) {
      return alive() && ports.includes(port);
    },
    exec(command) {
      if (command[0] === 'true') return { exitCode: 0, output: '', durationMs: 5 };
      if (command[0] === 'cat' && input.files[command[1] ?? ''] !== undefined)
        return { exitCode: 0, output: input.files[command[1] ?? ''] ?? '', durationMs: 5 };
      return {
        exitCode: 1,
        output: `cat: can't open '${command[1] ?? ''}': No such file or directory\n`,
        durationMs: 5,
      };
    },
  };
}

export const fakeRuntime: ContainerRuntime = { pull: fakePull, start: fakeProgram };
