/**
 * Grant globs match in linear time: a grant such as `repo:acme/*-*-*-*-x` must not let a refused
 * call stall every client (a backtracking regex took 2.5 s for one 255-character name). Matching
 * agrees with the glob rule as a regex states it, on every pattern and name fast-check finds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/policy/authorize.js';
import { globCovers } from '../../src/policy/match.js';

/** The rule as SECURITY.md states it: `*` matches any run of characters within a segment. */
function reference(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

const alphabet = fc.constantFrom('a', 'b', '-', '*');
const pattern = fc.array(alphabet, { minLength: 1, maxLength: 10 }).map((c) => c.join(''));
const text = fc
  .array(fc.constantFrom('a', 'b', '-'), { maxLength: 14 })
  .map((characters) => characters.join(''));

describe('glob segments', () => {
  it('match exactly where the rule says, for any pattern and name', () => {
    fc.assert(
      fc.property(pattern, text, (glob, name) => {
        expect(globCovers(`repo:a/${glob}`, `repo:a/${name}`)).toBe(reference(glob, name));
      }),
      { numRuns: Number(process.env.HUBGATE_FUZZ_RUNS ?? 2000) },
    );
  });

  it.each([
    ['app-*', 'app-x', true],
    ['app-*', 'app-', true],
    ['app-*', 'app', false],
    ['*-*', '-', true],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*x*', 'abc', false],
  ])('%s against %s: %s', (glob, name, matches) => {
    expect(globCovers(`repo:a/${glob}`, `repo:a/${name}`)).toBe(matches);
  });

  it('keep `*` and every name within their segment, whatever separators the strings hold', () => {
    // The whole-resource rule as a regex: separators match themselves, `*` any run without one.
    const wholeReference = (glob: string, resource: string) =>
      new RegExp(
        `^${glob
          .split('*')
          .map((part) => part.replace(/[/]/g, '\\/'))
          .join('[^:/]*')}$`,
      ).test(resource);
    const withSeparators = (extra: string[]) =>
      fc
        .array(fc.constantFrom('a', 'b', ':', '/', ...extra), { maxLength: 12 })
        .map((characters) => characters.join(''));
    fc.assert(
      fc.property(withSeparators(['*']), withSeparators([]), (glob, resource) => {
        expect(globCovers(glob, resource)).toBe(wholeReference(glob, resource));
      }),
      { numRuns: Number(process.env.HUBGATE_FUZZ_RUNS ?? 2000) },
    );
    expect(globCovers('repo:a/*', 'repo:a/')).toBe(true);
    expect(globCovers('repo:a/*', 'repo:a/b/c')).toBe(false);
    expect(globCovers('repo:*/b', 'repo/a:b')).toBe(false);
    expect(globCovers('repo::a', 'repo::a')).toBe(true);
  });

  it('decide adversarial grants against 255-character names without backtracking', () => {
    const agent = {
      name: 'a',
      grants: ['*-*-*-*-x', '*a*a*a*a*a*b', '*-*-*-*-*-*-*-*-*-*-*-x'].map((glob) => ({
        resource: `repo:acme/${glob}`,
        access: 'read' as const,
      })),
    };
    // A backtracking matcher needs minutes for these; linear matching, well under the timeout.
    for (let i = 0; i < 200; i += 1) {
      const name = `${'a-'.repeat(127)}${i % 2 ? 'y' : 'a'}`;
      const decision = authorize(agent, 'get_repository', [
        { resource: `repo:acme/${name}`, access: 'read' },
      ]);
      expect(decision.allowed).toBe(false);
    }
    expect(globCovers('repo:acme/*-*-*-*-x', `repo:acme/${'a-'.repeat(100)}x`)).toBe(true);
  });
});
