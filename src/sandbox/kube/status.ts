// Every error the emulated API server returns is a meta/v1 Status, as the real one does; clients
// (kubectl, client-node) read `reason`, `code`, `message` and, for 422, `details.causes`.
import { StoreError } from '../store.js';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return status(this.code, this.reason, this.message, this.details);
  }
}

export function status(code: number, reason: string, message: string, details?: StatusDetails): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details && Object.keys(details).length) s.details = details;
  return s;
}

export const notFound = (plural: string, name: string, group = '') =>
  new ApiError(404, 'NotFound', `${plural}${group ? '.' + group : ''} "${name}" not found`, { name, group: group || undefined, kind: plural });

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const methodNotAllowed = (message = 'the server does not allow this method on the requested resource') =>
  new ApiError(405, 'MethodNotAllowed', message);

export function invalid(kind: string, group: string, name: string, causes: StatusCause[], prefix?: string): ApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const gk = group ? `${kind}.${group}` : kind;
  const message = prefix ? `${prefix}: ${list.join('; ')}` : `${gk} "${name}" is invalid: ${list.length === 1 ? list[0] : '[' + list.join(', ') + ']'}`;
  return new ApiError(422, 'Invalid', message, { name, group: group || undefined, kind, causes });
}

/** Store errors carry the same reasons; lift them to API errors with details. */
export function fromStoreError(e: unknown, plural: string, name: string, group: string): unknown {
  if (!(e instanceof StoreError)) return e;
  const reason = e.reason === 'Expired' ? 'Expired' : e.reason;
  const msg = e.status === 404 || e.reason === 'AlreadyExists' ? e.message.replace(/^[a-z]+ /, `${plural}${group ? '.' + group : ''} `) : e.message;
  return new ApiError(e.status, reason, msg, { name, group: group || undefined, kind: plural });
}
