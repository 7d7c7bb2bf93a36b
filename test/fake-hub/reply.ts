import { randomBytes } from 'node:crypto';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON (set Content-Type in headers), e.g. a CSV export. */
  text?: string;
}

/** Thrown by handlers and helpers to answer early; the server turns it into the response. */
export class ReplyError extends Error {
  readonly reply: Reply;

  constructor(reply: Reply) {
    super(`fake hub answers ${reply.status}`);
    this.reply = reply;
  }
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}

export function txnid(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The real Hub's `{message, errinfo}` errors carry its own call bookkeeping in errinfo
 * (`api_call_*`) beside what explains the error; the fake sends both, as the Hub does.
 */
function errorBody(message: string, errinfo: Record<string, string>) {
  const id = txnid();
  return {
    txnid: id,
    message,
    errinfo: {
      ...errinfo,
      api_call_docker_id: '',
      api_call_name: 'FakeHubCall',
      api_call_start: new Date().toISOString(),
      api_call_txnid: id,
    },
  };
}

/** The Hub's 404 looks the same for a missing and for a hidden resource. */
export function notFound(errinfo: Record<string, string>): ReplyError {
  return new ReplyError({ status: 404, body: errorBody('object not found', errinfo) });
}

export function badRequest(field: string, reason: string): ReplyError {
  return new ReplyError({
    status: 400,
    body: errorBody(`invalid request: ${reason}`, { field, reason }),
  });
}

export function conflict(message: string, errinfo: Record<string, string>): ReplyError {
  return new ReplyError({ status: 409, body: errorBody(message, errinfo) });
}

export function unauthorized(detail: string): ReplyError {
  return new ReplyError({
    status: 401,
    body: { detail },
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}

export function forbidden(detail: string): ReplyError {
  return new ReplyError({ status: 403, body: { detail } });
}

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM answer: the JSON body with SCIM's own content type. */
export function scimReply(body: unknown, status = 200): Reply {
  return { status, body, headers: { 'Content-Type': SCIM_CONTENT_TYPE } };
}

/** SCIM's error shape (RFC 7644 §3.12): the status is a string, scimType only for some. */
export function scimError(status: number, detail: string, scimType?: string): ReplyError {
  const body: Record<string, unknown> = {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(status),
    detail,
  };
  if (scimType !== undefined) body.scimType = scimType;
  const reply = scimReply(body, status);
  if (status === 401) reply.headers = { ...reply.headers, 'WWW-Authenticate': 'Bearer' };
  return new ReplyError(reply);
}
