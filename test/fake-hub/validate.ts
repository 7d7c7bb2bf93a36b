import { badRequest } from './reply.js';

export type JsonObject = Record<string, unknown>;

export function objectBody(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('body', 'body must be a JSON object');
  }
  return body as JsonObject;
}

export function requireString(obj: JsonObject, field: string): string {
  const value = obj[field];
  if (typeof value !== 'string')
    throw badRequest(field, `${field} is required and must be a string`);
  return value;
}

export function optionalString(obj: JsonObject, field: string): string | undefined {
  const value = obj[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(field, `${field} must be a string`);
  return value;
}

export function requireBoolean(obj: JsonObject, field: string): boolean {
  const value = obj[field];
  if (typeof value !== 'boolean')
    throw badRequest(field, `${field} is required and must be a boolean`);
  return value;
}

export function optionalBoolean(obj: JsonObject, field: string): boolean | undefined {
  const value = obj[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw badRequest(field, `${field} must be a boolean`);
  return value;
}

export function requireStringArray(obj: JsonObject, field: string): string[] {
  const value = obj[field];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw badRequest(field, `${field} is required and must be an array of strings`);
  }
  return value as string[];
}

export function optionalStringArray(obj: JsonObject, field: string): string[] | undefined {
  if (obj[field] === undefined) return undefined;
  return requireStringArray(obj, field);
}

export function optionalEnum<T extends string>(
  obj: JsonObject,
  field: string,
  values: readonly T[],
): T | undefined {
  const value = obj[field];
  if (value === undefined) return undefined;
  const found = values.find((v) => v === value);
  if (found === undefined) throw badRequest(field, `${field} must be one of ${values.join(', ')}`);
  return found;
}

const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An RFC 3339 date-time (or date); anything else is a 400 naming the field. */
export function parseDateTime(field: string, value: string): string {
  if (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw badRequest(field, `${field} must be an RFC 3339 date-time`);
  }
  return value;
}

export function optionalDateTime(obj: JsonObject, field: string): string | null | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw badRequest(field, `${field} must be a date-time string`);
  return parseDateTime(field, value);
}

export function dateTimeParam(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  return parseDateTime(name, value);
}

export function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(name, `${name} must be true or false`);
}

export function enumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  values: readonly T[],
): T | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const found = values.find((v) => v === value);
  if (found === undefined) throw badRequest(name, `${name} must be one of ${values.join(', ')}`);
  return found;
}
