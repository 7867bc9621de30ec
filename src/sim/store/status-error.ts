// The one error type of the simulator's API layer: it carries the Kubernetes `Status` the client will see,
// so store, admission and handlers can fail with exactly what kube-apiserver would answer.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Timeout';

export interface StatusCause {
  readonly reason?: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly StatusCause[];
}

export interface KubeStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure' | 'Success';
  readonly message: string;
  readonly reason: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `deployments.apps` style name used in messages; core resources have no group suffix. */
export function qualifiedResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const errors = {
  notFound: (plural: string, group: string, name: string) =>
    new StatusError(404, 'NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    }),
  alreadyExists: (plural: string, group: string, name: string) =>
    new StatusError(409, 'AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    }),
  conflict: (plural: string, group: string, name: string, why: string) =>
    new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": ${why}`,
      {
        name,
        ...(group ? { group } : {}),
        kind: plural,
      },
    ),
  badRequest: (message: string) => new StatusError(400, 'BadRequest', message),
  invalid: (kind: string, group: string, name: string, message: string, causes: readonly StatusCause[]) =>
    new StatusError(422, 'Invalid', message, { name, ...(group ? { group } : {}), kind, causes }),
  forbidden: (message: string) => new StatusError(403, 'Forbidden', message),
  methodNotAllowed: (message: string) => new StatusError(405, 'MethodNotAllowed', message),
  gone: (message: string) => new StatusError(410, 'Expired', message),
  unsupportedMediaType: (message: string) => new StatusError(415, 'UnsupportedMediaType', message),
  tooLarge: (message: string) => new StatusError(413, 'RequestEntityTooLarge', message),
  internal: (message: string) => new StatusError(500, 'InternalError', message),
};
