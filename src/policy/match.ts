/**
 * Matching resource strings against grant globs. A resource is segments joined by `:` and `/`
 * (`repo:myorg/app`); a glob's `*` matches within one segment, never across a separator, so
 * `repo:myorg/*` covers `repo:myorg/app` but not `repo:myorg2/app` or `repo:myorg/a/b`.
 *
 * A requested resource may itself hold a `*` segment, meaning "some resource here" (listing a
 * namespace asks whether the agent may read any repository in it). Validated arguments can never
 * put a `*` into a resource, so only the catalog's templates do.
 */

interface Tokens {
  segments: string[];
  separators: string[];
}

function tokenize(resource: string): Tokens {
  const segments = resource.split(/[:/]/);
  const separators = resource.match(/[:/]/g) ?? [];
  return { segments, separators };
}

const globCache = new Map<string, RegExp>();

function segmentGlob(pattern: string): RegExp {
  let regex = globCache.get(pattern);
  if (!regex) {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^:/]*');
    regex = new RegExp(`^${source}$`);
    globCache.set(pattern, regex);
  }
  return regex;
}

/** Does the grant glob cover the requested resource? */
export function globCovers(glob: string, resource: string): boolean {
  const grant = tokenize(glob);
  const wanted = tokenize(resource);
  if (grant.segments.length !== wanted.segments.length) return false;
  if (grant.separators.join('') !== wanted.separators.join('')) return false;
  return grant.segments.every((pattern, index) => {
    const segment = wanted.segments[index] as string;
    // A `*` segment in the request asks about "some" resource: any grant pattern names some.
    if (segment === '*') return pattern !== '';
    return segmentGlob(pattern).test(segment);
  });
}
