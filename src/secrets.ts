/**
 * The one rule for which fields hold a secret, shared by the audit log, the server log and tool
 * results. A field is secret when its name is one of SECRET_NAMES or ends in one after `_`
 * (`scim_token`, `login_2fa_token`) or as a camelCase word (`accessToken`, `apiKey`).
 */

/** Names (and name endings) of fields that hold secrets: tokens, passwords, keys, codes. */
export const SECRET_NAMES = [
  'secret',
  'password',
  'passwd',
  'token',
  'code',
  'key',
  'keys',
  'authorization',
  'credential',
  'credentials',
  'otp',
] as const;

/** `scim_token`, `password`: case-insensitive, whole name or after an underscore. */
const SNAKE = new RegExp(`(?:^|_)(?:${SECRET_NAMES.join('|')})$`, 'i');
/** `accessToken`, `apiKey`: case-sensitive, so that `hotkey` or `barcode` are not secrets. */
const CAMEL = new RegExp(`[a-z0-9](?:${SECRET_NAMES.map(capitalized).join('|')})$`);

function capitalized(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

export const REDACTED = '[redacted]';

/**
 * A secret in the forms an upstream may echo it: as it is, base64 and base64url, percent- and
 * JSON-escaped, and with its identifier as `identifier:secret` in base64 (Basic authorization).
 */
export function secretForms(secret: string, identifier?: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
  if (identifier !== undefined)
    forms.push(Buffer.from(`${identifier}:${secret}`).toString('base64'));
  return forms;
}

/** Shorter strings are not taken as secrets to scrub: they would match ordinary words. */
const MIN_SCRUBBED = 8;

/**
 * Text from upstream (the Hub, or anything at --hub-url) with every secret hubgate holds taken
 * out: an error page that echoes the request back must not hand the agent a token.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of longestFirst(secrets)) {
    if (secret.length >= MIN_SCRUBBED && scrubbed.includes(secret)) {
      scrubbed = scrubbed.split(secret).join(REDACTED);
    }
  }
  return scrubbed;
}

/**
 * Longest first, so that a secret inside another's encoding is not left half: sorted once for a
 * list that is passed again (HubClients keeps its list while no secret changes).
 */
const sortedLists = new WeakMap<readonly string[], string[]>();
function longestFirst(secrets: readonly string[]): string[] {
  let sorted = sortedLists.get(secrets);
  if (!sorted) {
    sorted = [...secrets].sort((a, b) => b.length - a.length);
    sortedLists.set(secrets, sorted);
  }
  return sorted;
}

/**
 * Names already judged: the same few field names come in every call and every result, and two
 * regular expressions cost more than a lookup. Names come from clients and from upstream, so
 * the memory is bounded: past it, names are judged afresh each time.
 */
const judged = new Map<string, boolean>();
const MAX_JUDGED = 10_000;

export function isSecretField(name: string): boolean {
  const known = judged.get(name);
  if (known !== undefined) return known;
  const secret = SNAKE.test(name) || CAMEL.test(name);
  if (judged.size < MAX_JUDGED && name.length <= 200) judged.set(name, secret);
  return secret;
}

/**
 * The value with whatever a secret field holds replaced, at any depth: a non-empty string, or a
 * non-empty list or object (`credentials: {…}`, `api_keys: […]`). For what the Hub answers: lists
 * and gets of tokens answer `token: ""` today, and a result must not leak one if that changes.
 * Empty values, numbers and booleans keep their shape. What holds nothing to replace is returned
 * as it is, not copied (nearly every result): only the objects and lists on the way to a
 * replaced field are new.
 */
export function withoutSecrets(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const clean = withoutSecrets(value[i]);
      if (clean !== value[i]) {
        copy ??= [...value];
        copy[i] = clean;
      }
    }
    return copy ?? value;
  }
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const item = object[key];
    const clean = isSecretField(key) && holdsSomething(item) ? REDACTED : withoutSecrets(item);
    if (clean !== item) {
      copy ??= { ...object };
      setField(copy, key, clean);
    }
  }
  return copy ?? value;
}

/**
 * Sets a field of a copy being made: a field named `__proto__` (JSON.parse makes one) is defined,
 * not assigned, so that it stays a field and does not become the copy's prototype.
 */
export function setField(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else object[key] = value;
}

function holdsSomething(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  return !!value && typeof value === 'object' && Object.keys(value).length > 0;
}
