/**
 * The README's flag tables are generated from the flag table in src/cli-flags.ts, the one the
 * parser and --help use: they must be exactly what flagTableMarkdown makes today.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagTableMarkdown } from '../src/cli-flags.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Every table whose header starts with "| flag |", in README order. */
function flagTables(markdown: string): string[] {
  const tables: string[] = [];
  let table: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (table && line.startsWith('|')) {
      table.push(line);
      continue;
    }
    if (table) tables.push(table.join('\n'));
    table = line.startsWith('| flag |') ? [line] : undefined;
  }
  if (table) tables.push(table.join('\n'));
  return tables;
}

describe("README's flag tables", () => {
  it('are what flagTableMarkdown generates (paste its output after changing a flag)', () => {
    expect(flagTables(readme)).toEqual([
      // `hubgate http`: its own flags; the README says the stdio ones work as for stdio.
      flagTableMarkdown('http', 'serve'),
      // The command line: the stdio server's flags and every variable.
      flagTableMarkdown('serve'),
    ]);
  });

  it('are found as tables (the extraction itself works)', () => {
    expect(flagTables('x\n| flag | a |\n|---|---|\n| `--b` | c |\n\ny')).toEqual([
      '| flag | a |\n|---|---|\n| `--b` | c |',
    ]);
  });
});
