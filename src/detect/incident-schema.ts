import { z } from 'zod';
import { FAILURE_CLASSES, SEVERITIES } from './failure-class.js';
import { INCIDENT_STATES, type Incident } from './incident.js';

// The wire format of incidents (`kubemend analyze -o json|yaml`, the HTTP API, stored memory), documented in
// docs/incident-schema.md. `satisfies` keeps it in step with the Incident type at compile time.

export const INCIDENT_API_VERSION = 'kubemend.io/v1alpha1';

const timestamp = z.iso.datetime();

const ObjectRefSchema = z.object({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  uid: z.string().describe('empty when the object is only inferred (a Deployment named by its ReplicaSet)'),
});

const EventExcerptSchema = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  count: z.number().int().nonnegative(),
  firstSeen: timestamp.optional(),
  lastSeen: timestamp.optional(),
  object: ObjectRefSchema.optional(),
});

const LogExcerptSchema = z.object({
  pod: z.string(),
  container: z.string(),
  previous: z.boolean().describe('true: the log of the instance before the last restart'),
  lines: z.array(z.string()),
  errorLines: z.array(z.string()),
});

const StatusExcerptSchema = z.object({
  object: ObjectRefSchema,
  container: z.string().optional(),
  fields: z.record(z.string(), z.unknown()),
});

const FindingLineSchema = z.object({
  object: ObjectRefSchema,
  failureClass: z.enum(FAILURE_CLASSES),
  reason: z.string(),
  summary: z.string(),
  container: z.string().optional(),
});

const EvidenceSchema = z.object({
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  status: z.array(StatusExcerptSchema),
  events: z.array(EventExcerptSchema),
  logs: LogExcerptSchema.optional(),
  findings: z.array(FindingLineSchema),
});

export const IncidentSchema = z
  .object({
    id: z.string().min(1),
    fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
    cluster: z.string(),
    failureClass: z.enum(FAILURE_CLASSES),
    severity: z.enum(SEVERITIES),
    reason: z.string(),
    summary: z.string(),
    workload: ObjectRefSchema,
    affected: z.array(ObjectRefSchema),
    evidence: EvidenceSchema,
    firstSeen: timestamp,
    lastSeen: timestamp,
    state: z.enum(INCIDENT_STATES),
  })
  .describe('One failure of one workload, with its evidence') satisfies z.ZodType<Incident>;

export const IncidentListSchema = z.object({
  apiVersion: z.literal(INCIDENT_API_VERSION),
  kind: z.literal('IncidentList'),
  metadata: z.object({
    generatedAt: timestamp,
    cluster: z.string(),
    count: z.number().int().nonnegative(),
  }),
  items: z.array(IncidentSchema),
});

export type IncidentList = z.infer<typeof IncidentListSchema>;
