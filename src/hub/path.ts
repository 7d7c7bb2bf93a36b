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
  const { literals, names } = compiled(template);
  let path = literals[0] as string;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    path += encodeSegment(name, params[name]) + (literals[i + 1] as string);
  }
  return path;
}

/**
 * A template split once into its literal text and the names between: every call builds a path,
 * and a regular expression's replace with a callback cost more than the rest of a cached read's
 * lookup. Templates come from the catalog, so this holds a few dozen at most.
 */
interface Compiled {
  /** One more than `names`: the text before the first name, between each two, after the last. */
  literals: string[];
  names: string[];
}
const compiledTemplates = new Map<string, Compiled>();

function compiled(template: string): Compiled {
  let found = compiledTemplates.get(template);
  if (!found) {
    const literals: string[] = [];
    const names: string[] = [];
    let from = 0;
    for (const match of template.matchAll(placeholder)) {
      literals.push(template.slice(from, match.index));
      names.push(match[1] as string);
      from = match.index + match[0].length;
    }
    literals.push(template.slice(from));
    found = { literals, names };
    compiledTemplates.set(template, found);
  }
  return found;
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
  const encoded = encodeURIComponent(text);
  return encoded.includes('%3A') ? encoded.replaceAll('%3A', ':') : encoded;
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
