// Shared by the memory and CLI tests: a memory store on the real engine in a fresh temp dir, a clock tests move by hand,
// and a corpus of realistic incident / fix / agent records in English and Chinese.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MemoryManager, type MemoryOptions, openMemory } from '../../../src/memory/index.js';

export const T0 = Date.UTC(2025, 0, 15, 8, 0, 0);

export class ManualClock {
  constructor(public now = T0) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kubemend-memory-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function openTestMemory(dir: string, clock: ManualClock, options: MemoryOptions = {}): Promise<MemoryManager> {
  return openMemory({ dir, clock: clock.read, sync: 'none', ...options });
}

/** Flips one byte inside the first occurrence of `needle` in the store's files; returns the file it changed. */
export function corruptValue(dir: string, needle: string): string {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from(needle, 'utf8'));
    if (at < 0) continue;
    bytes[at] = (bytes[at] as number) ^ 0x20;
    writeFileSync(path, bytes);
    return name;
  }
  throw new Error(`"${needle}" is in no file of ${dir}`);
}

/** [name, kind, text]: names let tests assert ranks without depending on ids. */
export const CORPUS = [
  [
    'oom-incident',
    'incident',
    'Pod default/memory-hog-5d8f OOMKilled: container memory-hog exceeded its memory limit of 100Mi (exit code 137), restarted 4 times',
  ],
  [
    'oom-fix',
    'fix',
    'Raised the memory limit of deployment memory-hog from 100Mi to 256Mi; the pod has been Running for 10 minutes',
  ],
  ['oom-zh', 'incident', '容器 memory-hog 内存溢出被杀死（OOMKilled），内存限制 100Mi 太小'],
  [
    'pull-incident',
    'incident',
    'Pod shop/web-7f9c ImagePullBackOff: Failed to pull image "nginx:1.27-doesnotexist": manifest unknown',
  ],
  ['pull-fix', 'fix', 'Set the image of deployment web back to nginx:1.27 (the previous revision) after ErrImagePull'],
  ['pull-zh-incident', 'incident', '镜像拉取失败：镜像 nginx:1.27-doesnotexist 不存在，Pod 处于 ImagePullBackOff'],
  ['pull-zh-fix', 'fix', '修复：把镜像标签改回 nginx:1.27，镜像拉取恢复正常'],
  [
    'crash-incident',
    'incident',
    'Pod api-6c9 CrashLoopBackOff: container exits with code 1; logs: Error: missing required env var DATABASE_URL',
  ],
  ['crash-fix', 'fix', 'Added env DATABASE_URL from secret db-credentials to deployment api; the container starts'],
  ['crash-zh', 'incident', '应用 api 崩溃循环（CrashLoopBackOff）：缺少环境变量 DATABASE_URL'],
  [
    'probe-incident',
    'incident',
    'Readiness probe failed: HTTP probe on /healthz returned 404 for pod web-2 in namespace shop',
  ],
  ['task-mysql', 'task', 'deploy mysql with 10Gi of persistent storage in namespace db'],
  ['output-scale', 'output', 'Decided to scale deployment web to 3 replicas because of rising traffic'],
  ['job-backup', 'job', 'job backup-db completed successfully in 42s'],
  ['job-migrate', 'job', 'job schema-migrate failed: container exited with code 2, connection refused to mysql'],
] as const;

export type CorpusName = (typeof CORPUS)[number][0];
