import { randomBytes } from 'node:crypto';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
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

export function txnid(): string {
  return randomBytes(16).toString('hex');
}

/** The Hub's 404 looks the same for a missing and for a hidden resource. */
export function notFound(errinfo: Record<string, string>): ReplyError {
  return new ReplyError({
    status: 404,
    body: { txnid: txnid(), message: 'object not found', errinfo },
  });
}

export function badRequest(field: string, reason: string): ReplyError {
  return new ReplyError({
    status: 400,
    body: { txnid: txnid(), message: `invalid request: ${reason}`, errinfo: { field, reason } },
  });
}

export function conflict(message: string, errinfo: Record<string, string>): ReplyError {
  return new ReplyError({ status: 409, body: { txnid: txnid(), message, errinfo } });
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
