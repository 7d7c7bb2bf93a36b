import { scimError } from './reply.js';

/**
 * SCIM filters (RFC 7644 §3.4.2.2) over a resource as JSON: eq, ne, co, sw, ew, pr, gt, ge, lt,
 * le, joined by and/or, with not(...) and parentheses. Strings compare case-insensitively, as
 * every attribute the fake exposes has caseExact false.
 */
export type ScimFilter = (resource: Record<string, unknown>) => boolean;

const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'pr', 'gt', 'ge', 'lt', 'le'] as const;
type Operator = (typeof OPERATORS)[number];

function invalid(detail: string): Error {
  return scimError(400, `Invalid filter: ${detail}`, 'invalidFilter');
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|\(|\)|[^\s()"]+)/gy;
  let match = pattern.exec(text);
  while (match !== null) {
    tokens.push(match[1] ?? '');
    if (pattern.lastIndex >= text.length) break;
    match = pattern.exec(text);
  }
  if (tokens.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) throw invalid(text);
  return tokens;
}

/** Values at a path like 'userName' or 'emails.value', case-insensitively; arrays flatten. */
export function valuesAt(resource: unknown, path: string): unknown[] {
  let values: unknown[] = [resource];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const value of values) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (typeof item !== 'object' || item === null) continue;
        const key = Object.keys(item).find((k) => k.toLowerCase() === part.toLowerCase());
        if (key !== undefined) next.push((item as Record<string, unknown>)[key]);
      }
    }
    values = next;
  }
  return values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined);
}

function literal(token: string): unknown {
  if (token.startsWith('"')) return JSON.parse(token) as string;
  if (token === 'true') return true;
  if (token === 'false') return false;
  if (token === 'null') return null;
  if (/^-?\d+(?:\.\d+)?$/.test(token)) return Number(token);
  throw invalid(`bad value ${token}`);
}

function compare(op: Operator, actual: unknown, expected: unknown): boolean {
  const a = typeof actual === 'string' ? actual.toLowerCase() : actual;
  const e = typeof expected === 'string' ? expected.toLowerCase() : expected;
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return typeof a === 'string' && typeof e === 'string' && a.includes(e);
    case 'sw':
      return typeof a === 'string' && typeof e === 'string' && a.startsWith(e);
    case 'ew':
      return typeof a === 'string' && typeof e === 'string' && a.endsWith(e);
    case 'pr':
      return a !== null && a !== '';
    case 'gt':
      return (a as number | string) > (e as number | string);
    case 'ge':
      return (a as number | string) >= (e as number | string);
    case 'lt':
      return (a as number | string) < (e as number | string);
    case 'le':
      return (a as number | string) <= (e as number | string);
  }
}

export function parseScimFilter(text: string, attributes: readonly string[]): ScimFilter {
  const tokens = tokenize(text.trim());
  let at = 0;
  const peek = () => tokens[at]?.toLowerCase();
  const take = () => {
    const token = tokens[at++];
    if (token === undefined) throw invalid('unexpected end');
    return token;
  };

  function expression(): ScimFilter {
    let left = term();
    while (peek() === 'or') {
      at++;
      const l = left;
      const r = term();
      left = (res) => l(res) || r(res);
    }
    return left;
  }

  function term(): ScimFilter {
    let left = factor();
    while (peek() === 'and') {
      at++;
      const l = left;
      const r = factor();
      left = (res) => l(res) && r(res);
    }
    return left;
  }

  function group(): ScimFilter {
    if (take() !== '(') throw invalid('expected (');
    const inner = expression();
    if (take() !== ')') throw invalid('expected )');
    return inner;
  }

  function factor(): ScimFilter {
    if (peek() === 'not') {
      at++;
      const inner = group();
      return (res) => !inner(res);
    }
    if (peek() === '(') return group();
    const path = take();
    if (!attributes.some((a) => a.toLowerCase() === path.toLowerCase())) {
      throw invalid(`unknown attribute ${path}`);
    }
    const opToken = take().toLowerCase();
    const op = OPERATORS.find((o) => o === opToken);
    if (op === undefined) throw invalid(`unknown operator after ${path}`);
    if (op === 'pr') return (res) => valuesAt(res, path).some((v) => compare('pr', v, null));
    const expected = literal(take());
    return (res) => valuesAt(res, path).some((v) => compare(op, v, expected));
  }

  const filter = expression();
  if (at !== tokens.length) throw invalid(`unexpected ${tokens[at]}`);
  return filter;
}
