/**
 * The catalog in code must agree with CATALOG.md, the contract: name, Hub call, level, resources
 * and hints. The repository keeps a copy of CATALOG.md (CI has no ../shared); when the shared
 * original is present, the copy must be identical to it. The contract is not ours to edit: where
 * hubgate checks more than a row says (the owners team needs admin; delete_images checks the
 * repositories of ignore_warnings too), the row stays as given and docs/tools.md, generated from
 * the code, shows the stricter rule.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/tools/index.js';
import { possibleNeeds } from '../../src/tools/resources.js';

const copyUrl = new URL('../fixtures/CATALOG.md', import.meta.url);
const sharedUrl = new URL('../../../shared/hub-api/CATALOG.md', import.meta.url);

interface Row {
  tool: string;
  method: string;
  path: string;
  access: string;
  resources: { resource: string; access: string }[];
  hints: string[];
}

function parseCatalog(text: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name || cells.length < 7) continue;
    const call = /\b(GET|HEAD|POST|PUT|PATCH|DELETE) (\/[^\s?]+)/.exec(cells[2] as string);
    if (!call) throw new Error(`no Hub call in the row of ${name}`);
    const access = (cells[3] as string).split(' ')[0] as string;
    // Row forms: `org:{org from body}`, `repo:{namespace}/{manifests[].repository}, every one`.
    const resourceCell = (cells[4] as string).replace(/\{(\w+) from body\}/, '{$1}');
    const resources = [
      { resource: (resourceCell.split(' ')[0] as string).replace(/,$/, ''), access },
    ];
    const also = /\(and (\S+) (read|write|admin)\)/.exec(resourceCell);
    if (also) resources.push({ resource: also[1] as string, access: also[2] as string });
    const hints = (cells[5] as string)
      .split(',')
      .map((hint) => hint.trim())
      .filter((hint) => hint && hint !== '—');
    rows.set(name, {
      tool: name,
      method: call[1] as string,
      path: call[2] as string,
      access,
      resources,
      hints,
    });
  }
  return rows;
}

const rows = parseCatalog(readFileSync(copyUrl, 'utf8'));

describe('the catalog', () => {
  it('is the copy of the shared CATALOG.md', () => {
    if (!existsSync(sharedUrl)) return; // CI's clean clone has only the copy
    expect(readFileSync(copyUrl, 'utf8')).toBe(readFileSync(sharedUrl, 'utf8'));
  });

  it('parses all 62 rows', () => {
    expect(rows.size).toBe(62);
  });

  it('has unique tool names', () => {
    const names = catalog.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(catalog.map((entry) => [entry.name, entry] as const))(
    '%s agrees with its row',
    (name, entry) => {
      const row = rows.get(name);
      expect(row, `${name} has no row in CATALOG.md`).toBeDefined();
      if (!row) return;
      expect(entry.method).toBe(row.method);
      expect(entry.path).toBe(row.path);
      expect(entry.access).toBe(row.access);
      // Compare with every argument unknown: `{namespace}` and `*` both become `*`.
      const star = (resource: string) => resource.replace(/\{[a-z_.[\]]+\}/g, '*');
      expect(possibleNeeds(entry)).toEqual(
        row.resources.map((need) => ({ resource: star(need.resource), access: need.access })),
      );
      expect([...entry.hints].sort()).toEqual([...row.hints].sort());
    },
  );

  it('covers the areas of the core issue', () => {
    const names = new Set(catalog.map((entry) => entry.name));
    for (const name of [
      'list_repositories',
      'get_repository',
      'check_repository',
      'create_repository',
      'update_immutable_tags',
      'verify_immutable_tags',
      'assign_repository_group',
      'list_tags',
      'check_tags',
      'get_tag',
      'check_tag',
      'search_catalog',
      'get_current_account',
      'list_my_orgs',
      'update_repository',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
  });
});
