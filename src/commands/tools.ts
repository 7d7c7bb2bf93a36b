/**
 * `hubgate tools`: the catalog as a table, as JSON data (`--json`), or as the reference page
 * docs/tools.md (`--markdown`). All three come from the entries, so they cannot drift apart.
 */

import { annotationsOf } from '../tools/describe.js';
import { catalog } from '../tools/index.js';
import { jsonSchemaOf } from '../tools/input.js';
import type { ResourceTemplate, ToolEntry } from '../tools/types.js';

function describeResource(resource: ResourceTemplate): string {
  if (typeof resource === 'string') return resource;
  return `${resource.template} (${typeof resource.access === 'string' ? resource.access : resource.note})`;
}

function resourcesOf(entry: ToolEntry): string {
  return entry.resources.map(describeResource).join(' + ');
}

export function describeTools(): string {
  const rows = catalog.map((entry) => [
    entry.name,
    entry.access,
    resourcesOf(entry),
    `${entry.method} ${entry.path}`,
  ]);
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

export function toolsAsJson(): string {
  const tools = catalog.map((entry) => ({
    name: entry.name,
    title: entry.title,
    description: entry.description,
    hub_call: { method: entry.method, path: entry.path },
    access: entry.access,
    resources: entry.resources.map(describeResource),
    annotations: annotationsOf(entry),
    input_schema: jsonSchemaOf(entry),
  }));
  return `${JSON.stringify(tools, null, 2)}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

interface PropertySchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  items?: PropertySchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

function typeOf(schema: PropertySchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  return schema.type ?? 'value';
}

function limitsOf(schema: PropertySchema): string {
  const limits: string[] = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    limits.push(`${schema.minimum ?? ''}–${schema.maximum ?? ''}`);
  }
  if (schema.maxLength !== undefined) limits.push(`≤ ${schema.maxLength} chars`);
  if (schema.default !== undefined) limits.push(`default \`${JSON.stringify(schema.default)}\``);
  return limits.join('; ');
}

function argumentsTable(entry: ToolEntry): string[] {
  const schema = jsonSchemaOf(entry) as {
    properties?: Record<string, PropertySchema>;
    required?: string[];
  };
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return ['No arguments.'];
  return [
    '| argument | type | required | notes |',
    '|---|---|---|---|',
    ...properties.map(([name, property]) => {
      const notes = [property.description, limitsOf(property)].filter(Boolean).join('. ');
      const required = schema.required?.includes(name) ? 'yes' : '';
      return `| \`${name}\` | ${cell(typeOf(property))} | ${required} | ${cell(notes)} |`;
    }),
  ];
}

export function toolsAsMarkdown(): string {
  const lines = [
    '# hubgate tools',
    '',
    `Generated from the catalog in \`src/tools/\` by \`hubgate tools --markdown\` (\`npm run docs\`);`,
    'do not edit it by hand. Every tool checks the resources shown at the level shown; grants',
    'are explained in the README. Every tool sets `openWorldHint`; the hints column shows the others',
    '(RO read-only, D destructive, I idempotent).',
    '',
    `| tool | level | resources | Hub call | hints |`,
    '|---|---|---|---|---|',
    ...catalog.map(
      (entry) =>
        `| [\`${entry.name}\`](#${entry.name}) | ${entry.access} | ${cell(resourcesOf(entry))} | \`${entry.method} ${entry.path}\` | ${entry.hints.join(', ') || '—'} |`,
    ),
  ];
  for (const entry of catalog) {
    lines.push(
      '',
      `## ${entry.name}`,
      '',
      `**${entry.title}.** ${entry.description}`,
      '',
      `\`${entry.method} ${entry.path}\` · ${entry.access} on ${resourcesOf(entry)}`,
      '',
      ...argumentsTable(entry),
    );
  }
  return `${lines.join('\n')}\n`;
}
