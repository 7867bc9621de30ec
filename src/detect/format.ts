import { stringify } from 'yaml';
import { humanDuration } from '../kube/human-duration.js';
import type { Incident } from './incident.js';
import { INCIDENT_API_VERSION, type IncidentList } from './incident-schema.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface FormatOptions {
  readonly format: OutputFormat;
  readonly now: Date;
  readonly cluster?: string;
  /** Terminal width for the table; the SUMMARY column is cut to fit. Absent: no limit. */
  readonly width?: number;
  /** Adds a NAMESPACE column (for `-A`). */
  readonly showNamespace?: boolean;
}

const GAP = '   ';
const MIN_SUMMARY = 20;

export function incidentList(incidents: readonly Incident[], now: Date, cluster = 'default'): IncidentList {
  return {
    apiVersion: INCIDENT_API_VERSION,
    kind: 'IncidentList',
    metadata: { generatedAt: now.toISOString(), cluster, count: incidents.length },
    items: [...incidents] as IncidentList['items'],
  };
}

function truncate(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

function table(incidents: readonly Incident[], options: FormatOptions): string {
  if (incidents.length === 0) return 'No problems found.\n';
  const header = [...(options.showNamespace ? ['NAMESPACE'] : []), 'KIND', 'NAME', 'REASON', 'SUMMARY', 'AGE'];
  const rows = incidents.map((i) => [
    ...(options.showNamespace ? [i.workload.namespace ?? ''] : []),
    i.workload.kind,
    i.workload.name,
    i.reason,
    i.summary.replace(/\s+/g, ' '),
    humanDuration(options.now.getTime() - Date.parse(i.firstSeen)),
  ]);
  const summaryAt = header.indexOf('SUMMARY');
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  if (options.width !== undefined) {
    const others =
      widths.reduce((sum, w, c) => (c === summaryAt ? sum : sum + w), 0) + GAP.length * (widths.length - 1);
    const fit = Math.max(MIN_SUMMARY, options.width - others);
    widths[summaryAt] = Math.min(widths[summaryAt] ?? fit, fit);
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => {
        const w = widths[c] ?? cell.length;
        const text = c === summaryAt ? truncate(cell, w) : cell;
        return c === cells.length - 1 ? text : text.padEnd(w);
      })
      .join(GAP);
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** Renders incidents for `kubemend analyze`: a kubectl-style table, or the documented JSON/YAML IncidentList. */
export function formatIncidents(incidents: readonly Incident[], options: FormatOptions): string {
  switch (options.format) {
    case 'table':
      return table(incidents, options);
    case 'json':
      return `${JSON.stringify(incidentList(incidents, options.now, options.cluster), null, 2)}\n`;
    case 'yaml':
      return stringify(incidentList(incidents, options.now, options.cluster), { aliasDuplicateObjects: false });
  }
}
