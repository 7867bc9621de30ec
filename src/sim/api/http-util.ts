// Small HTTP helpers shared by the simulator's handlers: JSON replies, Status errors, bounded body reads.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type StatusError } from '../store/status-error.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatusError(res: ServerResponse, err: StatusError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, err.code, err.toStatus());
}

/** Reads the request body, refusing more than 3 MiB the way kube-apiserver does (413). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(errors.tooLarge(`Request entity too large: limit is ${MAX_BODY_BYTES}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(errors.tooLarge(`Request entity too large: limit is ${MAX_BODY_BYTES}`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!failed) reject(errors.badRequest(`error reading request body: ${e.message}`));
    });
  });
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

export function queryBool(v: string | null): boolean {
  return v === 'true' || v === '1';
}

export function queryInt(name: string, v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v))
    throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}

// Stored objects are deep-frozen (immutable), so one serialisation per object version serves every list and
// every watcher (50 watchers x 1,000 updates/s would otherwise stringify 50,000 objects a second).
const serialized = new WeakMap<object, string>();
export function jsonOf(o: object): string {
  let s = serialized.get(o);
  if (s === undefined) {
    s = JSON.stringify(o);
    if (Object.isFrozen(o)) serialized.set(o, s);
  }
  return s;
}
