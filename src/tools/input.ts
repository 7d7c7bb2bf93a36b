/**
 * The arguments a tool really takes (its entry's schema plus what the machinery adds to every tool
 * of a kind), their JSON Schema for tools/list, and validation errors an agent can act on.
 */
import { type ZodError, z } from 'zod';
import { allPages, detail, maxItems } from './schemas.js';
import type { ToolEntry } from './types.js';

const effective = new Map<ToolEntry, z.ZodObject>();
const jsonSchemas = new Map<ToolEntry, Record<string, unknown>>();

/**
 * GET tools also take `detail`, paginated lists `all_pages` and `max_items`; everything else takes
 * its entry's schema as written.
 */
export function inputSchemaOf(entry: ToolEntry): z.ZodObject {
  let schema = effective.get(entry);
  if (!schema) {
    schema = entry.input();
    if (entry.paginated) schema = schema.extend({ all_pages: allPages, max_items: maxItems });
    if (entry.method === 'GET') schema = schema.extend({ detail });
    effective.set(entry, schema);
  }
  return schema;
}

/** JSON Schema of the input, computed once per tool. */
export function jsonSchemaOf(entry: ToolEntry): Record<string, unknown> {
  let schema = jsonSchemas.get(entry);
  if (!schema) {
    const { $schema: _, ...rest } = z.toJSONSchema(inputSchemaOf(entry), {
      io: 'input',
      override: ({ jsonSchema }) => {
        // zod bounds every integer to the safe range: true, but context the model pays for.
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
        // `format: "date-time"` (RFC 3339) says what zod's 400-character regex says, in 20.
        if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
      },
    });
    schema = rest;
    jsonSchemas.set(entry, schema);
  }
  return schema;
}

/** `namespace: must be ...; page_size: must be between 1 and 100` */
export function describeIssues(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      let message = issue.message;
      if (issue.code === 'invalid_type' && /received undefined$/.test(message)) {
        message = 'is required';
      } else if (issue.code === 'unrecognized_keys') {
        // A hostile call may send thousands: name a few, count the rest.
        const named = issue.keys
          .slice(0, MAX_NAMED_KEYS)
          .map((key) => JSON.stringify(truncate(key)));
        const more = issue.keys.length - named.length;
        message = `unknown argument${issue.keys.length > 1 ? 's' : ''} ${named.join(', ')}${
          more > 0 ? ` and ${more} more` : ''
        }`;
      }
      return field ? `${field}: ${message}` : message;
    })
    .join('; ');
}

const MAX_NAMED_KEYS = 10;

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
