/**
 * Matching resource strings against grant globs. A resource is segments joined by `:` and `/`
 * (`repo:myorg/app`); a glob's `*` matches within one segment, never across a separator, so
 * `repo:myorg/*` covers `repo:myorg/app` but not `repo:myorg2/app` or `repo:myorg/a/b`.
 *
 * A requested resource may itself hold a `*` segment, meaning "some resource here" (listing a
 * namespace asks whether the agent may read any repository in it). Validated arguments can never
 * put a `*` into a resource, so only the catalog's templates do.
 *
 * Every call is checked, so grants are compiled once per agent (per config load) and indexed by
 * kind and first name: a call looks at the grants that could match, not at all of them.
 */

interface Tokens {
  segments: string[];
  /** The separators in order, e.g. ":/" for `repo:a/b`: a grant must have the same shape. */
  shape: string;
}

/** One pass, no regular expression: every call's resources are tokenized on its way through. */
function tokenize(resource: string): Tokens {
  const segments: string[] = [];
  let shape = '';
  let from = 0;
  for (let i = 0; i < resource.length; i += 1) {
    const char = resource[i];
    if (char === ':' || char === '/') {
      segments.push(resource.slice(from, i));
      shape += char;
      from = i + 1;
    }
  }
  segments.push(resource.slice(from));
  return { segments, shape };
}

/**
 * A segment pattern: literal text, any one segment, or a glob's literal parts between its `*`s.
 * Globs are matched without regular expressions: a grant such as `repo:acme/*-*-*-*-x` compiled
 * to a regex backtracks for seconds on a long name, and every call is matched against grants.
 */
type SegmentMatcher = string | true | { parts: string[] };

function compileSegment(pattern: string): SegmentMatcher {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern;
  return { parts: pattern.split('*') };
}

/**
 * `parts` joined by `*` matches `text`: the first part is a prefix, the last a suffix, and the
 * others occur in order between them. Taking each middle part at its earliest place is enough
 * (a later place never leaves more room), so this is linear in the text for each part.
 */
function globPartsMatch(parts: readonly string[], text: string): boolean {
  if (parts.length === 1) return text === parts[0];
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i += 1) {
    const part = parts[i] as string;
    const at = text.indexOf(part, from);
    if (at < 0 || at + part.length > end) return false;
    from = at + part.length;
  }
  return true;
}

export interface CompiledGlob<T> {
  /** Position in the agent's list: the earliest covering grant decides, as listed. */
  index: number;
  value: T;
  shape: string;
  matchers: SegmentMatcher[];
}

function compileGlob<T>(glob: string, value: T, index: number): CompiledGlob<T> {
  const { segments, shape } = tokenize(glob);
  return { index, value, shape, matchers: segments.map(compileSegment) };
}

/**
 * What a `*` segment of a request asks: whether the grant covers some resource there (may the
 * agent list this namespace at all?) or every one (does it see the whole namespace?).
 */
export type Quantifier = 'some' | 'every';

function segmentMatches(matcher: SegmentMatcher, segment: string, quantifier: Quantifier): boolean {
  // For "some", any grant pattern names some resource; for "every", only a bare `*` names all.
  if (segment === '*') return quantifier === 'some' || matcher === true;
  if (matcher === true) return true;
  return typeof matcher === 'string' ? matcher === segment : globPartsMatch(matcher.parts, segment);
}

function covers<T>(compiled: CompiledGlob<T>, wanted: Tokens, quantifier: Quantifier): boolean {
  if (compiled.shape !== wanted.shape) return false;
  const { matchers } = compiled;
  for (let i = 0; i < matchers.length; i += 1) {
    const matcher = matchers[i] as SegmentMatcher;
    if (!segmentMatches(matcher, wanted.segments[i] as string, quantifier)) return false;
  }
  return true;
}

/**
 * Globs indexed by their kind and first name (`repo` + `myorg`): a resource is compared with the
 * globs naming its first segment literally and with those that do not (a glob there), only.
 */
export class GlobIndex<T> {
  private readonly byFirst = new Map<string, CompiledGlob<T>[]>();
  private readonly byKind = new Map<string, CompiledGlob<T>[]>();
  private readonly patterned = new Map<string, CompiledGlob<T>[]>();

  constructor(entries: readonly { glob: string; value: T }[]) {
    entries.forEach(({ glob, value }, index) => {
      const compiled = compileGlob(glob, value, index);
      const [kind, first] = compiled.matchers;
      const kindKey = `${String(kind)}\u0000${compiled.shape}`;
      push(this.byKind, kindKey, compiled);
      if (typeof first === 'string') push(this.byFirst, `${kindKey}\u0000${first}`, compiled);
      else push(this.patterned, kindKey, compiled);
    });
  }

  /** The globs covering `resource` (some or every resource at its `*` segments), in list order. */
  matching(resource: string, quantifier: Quantifier = 'some'): CompiledGlob<T>[] {
    const wanted = tokenize(resource);
    const [kind, first] = wanted.segments;
    const kindKey = `${kind}\u0000${wanted.shape}`;
    const candidates =
      first === undefined || first === '*'
        ? (this.byKind.get(kindKey) ?? [])
        : [
            ...(this.byFirst.get(`${kindKey}\u0000${first}`) ?? []),
            ...(this.patterned.get(kindKey) ?? []),
          ];
    return candidates
      .filter((compiled) => covers(compiled, wanted, quantifier))
      .sort((a, b) => a.index - b.index);
  }
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Does the grant glob cover the requested resource? (One comparison; the index is for many.) */
export function globCovers(glob: string, resource: string): boolean {
  return covers(compileGlob(glob, undefined, 0), tokenize(resource), 'some');
}
