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

export function isSecretField(name: string): boolean {
  return SNAKE.test(name) || CAMEL.test(name);
}

/**
 * A copy of a value with whatever a secret field holds replaced, at any depth: a non-empty
 * string, or a non-empty list or object (`credentials: {…}`, `api_keys: […]`). For what the Hub
 * answers: lists and gets of tokens answer `token: ""` today, and a result must not leak one if
 * that changes. Empty values, numbers and booleans keep their shape.
 */
export function withoutSecretStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretStrings);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      isSecretField(key) && holdsSomething(item) ? REDACTED : withoutSecretStrings(item),
    ]),
  );
}

function holdsSomething(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  return !!value && typeof value === 'object' && Object.keys(value).length > 0;
}
