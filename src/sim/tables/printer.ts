// The shape every per-kind printer has: its column definitions and a function from object to cells, both
// in kube-apiserver's column order (wide columns last, with priority 1).

import type { KubeObject } from '../objects.js';
import { formatAge } from './format.js';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface TableColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

/** metav1.TableRowCondition; kube-apiserver marks finished pods "Completed" with it. */
export interface RowCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface Printer {
  readonly columns: readonly TableColumn[];
  cells(obj: KubeObject, now: Date): unknown[];
  conditions?(obj: KubeObject): readonly RowCondition[] | undefined;
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATED_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function column(name: string, type: ColumnType, description: string, priority = 0): TableColumn {
  return { name, type, format: '', description, priority };
}

/** Wide-only (priority 1) column. */
export function wide(name: string, description: string): TableColumn {
  return column(name, 'string', description, 1);
}

export const NAME_COLUMN: TableColumn = { ...column('Name', 'string', NAME_DESCRIPTION), format: 'name' };
export const AGE_COLUMN: TableColumn = column('Age', 'string', CREATED_DESCRIPTION);
export const CREATED_AT_COLUMN: TableColumn = column('Created At', 'date', CREATED_DESCRIPTION);
export const CONTAINERS_COLUMN: TableColumn = wide('Containers', 'Names of each container in the template.');
export const IMAGES_COLUMN: TableColumn = wide('Images', 'Images referenced by each container in the template.');

export function nameOf(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

export function ageOf(obj: KubeObject, now: Date): string {
  return formatAge(obj.metadata.creationTimestamp, now);
}
