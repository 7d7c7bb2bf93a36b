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
