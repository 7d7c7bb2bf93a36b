/** The grant index answers exactly as comparing every grant would, first-listed first. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GlobIndex, globCovers } from '../../src/policy/match.js';

const name = fc.constantFrom('acme', 'acmex', 'app', 'app-api', 'web', 'library', 'team-1', 'a');
const pattern = fc.oneof(
  name,
  fc.constant('*'),
  name.map((n) => `${n.slice(0, 2)}*`),
  name.map((n) => `*${n.slice(-2)}`),
);
const glob = fc.oneof(
  fc.tuple(pattern, pattern).map(([a, b]) => `repo:${a}/${b}`),
  pattern.map((a) => `org:${a}`),
  pattern.map((a) => `scim:${a}`),
  fc.constantFrom('account', 'catalog', 'auth'),
);
const resource = fc.oneof(
  fc
    .tuple(fc.oneof(name, fc.constant('*')), fc.oneof(name, fc.constant('*')))
    .map(([a, b]) => `repo:${a}/${b}`),
  name.map((a) => `org:${a}`),
  name.map((a) => `scim:${a}`),
  fc.constantFrom('account', 'catalog', 'auth', 'repo:acme', 'org:acme/x'),
);

describe('GlobIndex', () => {
  it('finds the same globs, in list order, as comparing each one', () => {
    fc.assert(
      fc.property(fc.array(glob, { maxLength: 30 }), resource, (globs, wanted) => {
        const index = new GlobIndex(globs.map((g, i) => ({ glob: g, value: i })));
        const expected = globs
          .map((g, i) => [g, i] as const)
          .filter(([g]) => globCovers(g, wanted))
          .map(([, i]) => i);
        expect(index.matching(wanted).map((c) => c.value)).toEqual(expected);
      }),
      { seed: 20261122, numRuns: 2000 },
    );
  });
});
