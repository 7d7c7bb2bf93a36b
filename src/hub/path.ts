/**
 * Builds request paths from templates such as `/v2/namespaces/{namespace}/repositories`.
 * Every parameter is checked and percent-encoded as one path segment, so no argument can add a
 * segment, a query string, a fragment or a `..` that would change which endpoint is called. The
 * tool schemas already refuse such values; this is the second lock on the same door.
 */

export class PathParameterError extends Error {
  override name = 'PathParameterError';
}

const placeholder = /\{([a-z_]+)\}/g;

export function templateParameters(template: string): string[] {
  return [...template.matchAll(placeholder)].map((match) => match[1] as string);
}

export function buildPath(template: string, params: Record<string, unknown>): string {
  return template.replace(placeholder, (_, name: string) => encodeSegment(name, params[name]));
}

function encodeSegment(name: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new PathParameterError(`path parameter "${name}" is missing`);
  }
  const text = String(value);
  if (text === '' || text === '.' || text === '..') {
    throw new PathParameterError(`path parameter "${name}" must not be empty, "." or ".."`);
  }
  // encodeURIComponent leaves `.` alone but encodes `/`, `?`, `#`, `%` and controls. A `:` is
  // legal inside a segment (RFC 3986 pchar) and cannot change the endpoint, so it stays as
  // clients send it in digests (`sha256:…`).
  return encodeURIComponent(text).replaceAll('%3A', ':');
}

/** `?a=1&b=x` from defined values only, or '' when there are none. */
export function buildQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    search.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
