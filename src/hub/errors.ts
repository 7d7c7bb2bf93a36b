/**
 * Errors from talking to Docker Hub, as types, so callers can tell a refusal by the Hub from a
 * network fault, a timeout or a cancellation, and so messages are built in one place.
 * No error carries a secret: messages are built from status, the Hub's own text (with every
 * secret the client holds taken out) and the path.
 */
import { scrubSecrets } from '../secrets.js';

export class HubError extends Error {
  override name = 'HubError';
}

/** Docker Hub answered with a non-success status. */
export class HubResponseError extends HubError {
  override name = 'HubResponseError';
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    /** The Hub's own explanation: `detail`, `message` or `errinfo`, when it gave one. */
    readonly hubMessage: string | undefined,
    /** The Hub's transaction id, useful when reporting a problem to Docker. */
    readonly txnid: string | undefined,
    /** Seconds until the Hub accepts calls again, for 429 answers. */
    readonly retryAfterSeconds?: number,
  ) {
    super(describeResponse(status, method, path, hubMessage, txnid, retryAfterSeconds));
  }
}

/** The credential could not be exchanged for a bearer token. */
export class HubAuthError extends HubError {
  override name = 'HubAuthError';
  constructor(
    readonly status: number,
    readonly identifier: string,
    readonly hubMessage: string | undefined,
  ) {
    super(
      `Docker Hub refused the credential for "${identifier}" (HTTP ${status}${
        hubMessage ? `: ${hubMessage}` : ''
      }). Check the username and the token: a personal access token must be active, and an ` +
        'organization access token needs the organization name as its identifier.',
    );
  }
}

/** The call took longer than its time budget. */
export class HubTimeoutError extends HubError {
  override name = 'HubTimeoutError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`Docker Hub did not answer ${method} ${path} within ${timeoutMs} ms.`);
  }
}

/** The caller cancelled the call (for MCP: the client sent notifications/cancelled). */
export class HubCancelledError extends HubError {
  override name = 'HubCancelledError';
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super(`The call ${method} ${path} was cancelled before Docker Hub answered.`);
  }
}

/** The answer was larger than hubgate accepts; it was not read. */
export class HubResponseTooLargeError extends HubError {
  override name = 'HubResponseTooLargeError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly maxBytes: number,
  ) {
    super(
      `Docker Hub's answer to ${method} ${path} is over hubgate's ${Math.round(maxBytes / 1024 / 1024)} MiB cap and was refused; ask for less (a smaller page_size).`,
    );
  }
}

/** Docker Hub answered success with a body that is not the JSON it announced. */
export class HubUnreadableAnswerError extends HubError {
  override name = 'HubUnreadableAnswerError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
  ) {
    super(
      `Docker Hub answered ${status} to ${method} ${path} with a body that is not valid JSON (cut short or garbled); nothing was made of it. Try again.`,
    );
  }
}

/** The credential's rate-limit budget is spent: the call was not sent. */
export class HubRateLimitedError extends HubError {
  override name = 'HubRateLimitedError';
  readonly status = 429;
  constructor(
    readonly method: string,
    readonly path: string,
    readonly retryAfterSeconds: number,
    /** When the call may be sent again. */
    readonly retryAt: Date = new Date(Date.now() + retryAfterSeconds * 1000),
  ) {
    super(
      `Docker Hub's rate limit for this credential is spent (a 429, or X-RateLimit-Remaining: 0); it resets in ${retryAfterSeconds} s. ${method} ${path} was not sent: retry at ${retryAt.toISOString()} or later.`,
    );
  }
}

/** The connection failed or the answer could not be read. */
export class HubNetworkError extends HubError {
  override name = 'HubNetworkError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly causeMessage: string,
  ) {
    super(`Could not reach Docker Hub for ${method} ${path}: ${causeMessage}`);
  }
}

const statusHints: Record<number, string> = {
  401: 'the credential is missing, invalid or expired',
  403: "the credential's scope or the account's role does not allow this",
  404: 'not found, or not visible to this credential (a private repository appears as not found)',
  429: 'Docker Hub rate limit reached',
};

function describeResponse(
  status: number,
  method: string,
  path: string,
  hubMessage: string | undefined,
  txnid: string | undefined,
  retryAfterSeconds: number | undefined,
): string {
  const parts = [`Docker Hub answered ${status} to ${method} ${path}`];
  const hint = statusHints[status];
  if (hint) parts.push(` (${hint})`);
  if (hubMessage) parts.push(`: ${hubMessage}`);
  if (retryAfterSeconds !== undefined) parts.push(`. Retry in ${retryAfterSeconds} s`);
  if (txnid) parts.push(` [txnid ${txnid}]`);
  return `${parts.join('')}.`;
}

/**
 * Pulls the Hub's explanation out of an error body. The Hub uses several shapes:
 * `{detail}`, `{message, errinfo}`, and SCIM's `{detail, status}`.
 */
export function hubMessageOf(
  body: unknown,
  secrets: readonly string[] = [],
): { message?: string; txnid?: string } {
  // Scrubbed before anything is cut short: a token cut in half would no longer be recognised.
  const scrubbed = (text: string) => scrubSecrets(text, secrets);
  if (typeof body === 'string') {
    const text = scrubbed(body.trim());
    if (HTML.test(text)) return { message: htmlPageMessage(text) };
    return text ? { message: truncate(text, 300) } : {};
  }
  if (!body || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const texts: string[] = [];
  for (const key of ['detail', 'message'] as const) {
    const value = record[key];
    if (typeof value === 'string' && value && !texts.includes(value)) texts.push(value);
  }
  const errinfo = record.errinfo;
  const explained =
    errinfo && typeof errinfo === 'object'
      ? Object.entries(errinfo).filter(([key]) => !key.startsWith(CALL_BOOKKEEPING))
      : [];
  if (explained.length > 0) texts.push(JSON.stringify(Object.fromEntries(explained)));
  const callTxnid = (errinfo as Record<string, unknown> | undefined)?.api_call_txnid;
  const txnid =
    typeof record.txnid === 'string'
      ? record.txnid
      : typeof callTxnid === 'string'
        ? callTxnid
        : undefined;
  const message = texts.length ? truncate(scrubbed(texts.join(' ')), 500) : undefined;
  return { ...(message ? { message } : {}), ...(txnid ? { txnid } : {}) };
}

/** errinfo's `api_call_name`, `api_call_start`…: the Hub's own bookkeeping, no explanation. */
const CALL_BOOKKEEPING = 'api_call_';

/** A proxy's or a CDN's error page where the API answers JSON. */
const HTML = /^(?:<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i;

/** `an HTML page ("502 Bad Gateway")`: the page's title at most, never its markup. */
function htmlPageMessage(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  return title ? `an HTML page ("${truncate(title, 100)}")` : 'an HTML page';
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
