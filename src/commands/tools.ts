/** `hubgate tools`: every tool with its level and the resources it checks. */
import { catalog } from '../tools/index.js';

export function describeTools(): string {
  const rows = catalog.map((entry) => {
    const resources = entry.resources
      .map((r) => {
        if (typeof r === 'string') return r;
        return `${r.template} (${typeof r.access === 'string' ? r.access : r.note})`;
      })
      .join(' + ');
    return [entry.name, entry.access, resources, entry.title];
  });
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => (row[column] as string).length)),
  );
  return `${rows
    .map((row) =>
      row
        .map((cell, column) => (column < 3 ? cell.padEnd(widths[column] as number) : cell))
        .join('  '),
    )
    .join('\n')}\n`;
}
