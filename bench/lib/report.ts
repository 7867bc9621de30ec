// Shared by every bench: what machine the figures came from, and writing one bench's section of
// docs/benchmarks.md between its markers so benches can run separately without clobbering each other.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

export interface BenchSection {
  readonly title: string;
  readonly machine: MachineInfo;
  readonly notes?: readonly string[];
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Further tables or paragraphs (markdown) after the main table. */
  readonly extra?: string;
}

const DOC = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'benchmarks.md');

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderSection(s: BenchSection): string {
  const m = s.machine;
  return [
    `## ${s.title}`,
    '',
    `Measured ${m.date} on ${m.cpu} (${m.cores} cores), ${m.memoryGiB} GiB RAM, Node ${m.node}.`,
    '',
    ...(s.notes?.length ? [...s.notes.map((n) => `- ${n}`), ''] : []),
    markdownTable(s.header, s.rows),
    ...(s.extra ? ['', s.extra] : []),
  ].join('\n');
}

/** Replaces (or appends) the section `name` of docs/benchmarks.md. */
export function writeBenchSection(name: string, section: BenchSection, path = DOC): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const body = `${start}\n${renderSection(section)}\n${end}`;
  let doc = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# Benchmarks\n\nEvery figure here comes from a bench script (`npm run bench:*`) run on the machine it names; peers are measured side by side in the same run. Targets are in the issue that asked for them. Tests never assert speed.\n';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) doc = `${doc.slice(0, i)}${body}${doc.slice(j + end.length)}`;
  else doc = `${doc.trimEnd()}\n\n${body}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, doc);
}
