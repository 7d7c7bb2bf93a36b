/**
 * No argument is silently dropped: every argument a tool's schema takes either goes to the Hub
 * (its path, query or body, or the path of its confirming read) or is one hubgate consumes itself.
 * An argument that did neither would be accepted and ignored: an agent would believe it filtered,
 * paged or set something it did not.
 */
import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/tools/index.js';
import { inputSchemaOf } from '../../src/tools/input.js';
import type { Args, ToolEntry } from '../../src/tools/types.js';

/** Arguments the machinery itself reads: the result's form and the pagination it drives. */
const CONSUMED_BY_HUBGATE = ['detail', 'all_pages', 'max_items'];

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1] as string);
}

/** The arguments a query mapping reads, found by running it over arguments that record reads. */
function readBy(query: (args: Args) => Record<string, unknown>): string[] {
  const read = new Set<string>();
  const recording = new Proxy({} as Args, {
    get(_target, name) {
      read.add(String(name));
      return 1;
    },
  });
  query(recording);
  return [...read];
}

function sentArguments(entry: ToolEntry): Set<string> {
  const query = entry.query;
  return new Set([
    ...placeholders(entry.path),
    ...(typeof query === 'function' ? readBy(query) : (query ?? [])),
    ...(entry.body ?? []),
    ...(entry.confirm ? [...placeholders(entry.confirm.path), entry.confirm.argument] : []),
  ]);
}

describe('tool arguments', () => {
  it.each(catalog.map((entry) => [entry.name, entry] as const))(
    '%s: every argument is sent to the Hub or consumed by hubgate',
    (_name, entry) => {
      const sent = sentArguments(entry);
      const ignored = Object.keys(inputSchemaOf(entry).shape).filter(
        (name) => !sent.has(name) && !CONSUMED_BY_HUBGATE.includes(name),
      );
      expect(ignored).toEqual([]);
    },
  );

  it.each(catalog.map((entry) => [entry.name, entry] as const))(
    '%s: everything it sends is one of its arguments (or the caller identity)',
    (_name, entry) => {
      const known = new Set([
        ...Object.keys(inputSchemaOf(entry).shape),
        ...(entry.identityParams ?? []),
      ]);
      expect([...sentArguments(entry)].filter((name) => !known.has(name))).toEqual([]);
    },
  );

  it('sees an argument that goes nowhere', () => {
    const invite = catalog.find((entry) => entry.name === 'cancel_invite') as ToolEntry;
    const withoutConfirm: ToolEntry = { ...invite };
    delete withoutConfirm.confirm;
    // Without its confirming read, `org` would only pick the resource: never sent, never checked.
    expect(sentArguments(withoutConfirm).has('org')).toBe(false);
    expect(sentArguments(invite).has('org')).toBe(true);
  });
});
