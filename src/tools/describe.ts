/**
 * A catalog entry as an MCP tool description: what tools/list answers, and what `hubgate tools
 * --json` shows. Annotations come from the catalog, never from a request.
 */
import { findTool } from './index.js';
import { jsonSchemaOf } from './input.js';
import { PRECOMPUTED } from './precomputed.js';
import type { ToolEntry } from './types.js';

export interface ToolAnnotations {
  title?: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolDescription {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
  annotations: ToolAnnotations;
}

/** CATALOG.md's hints column as MCP annotations; every tool reaches Docker Hub: open world. */
export function annotationsOf(entry: ToolEntry): ToolAnnotations {
  return {
    readOnlyHint: entry.hints.includes('RO'),
    destructiveHint: entry.hints.includes('D'),
    idempotentHint: entry.hints.includes('I'),
    openWorldHint: true,
  };
}

export function describeTool(entry: ToolEntry): ToolDescription {
  // The catalog's own entries were described when the bundle was built; any other (a test's) now.
  const precomputed = PRECOMPUTED?.[entry.name] as ToolDescription | undefined;
  if (precomputed && findTool(entry.name) === entry) return precomputed;
  return computeDescription(entry);
}

/** What describeTool() answers, computed: also what the build stores in precomputed.ts. */
export function computeDescription(entry: ToolEntry): ToolDescription {
  return {
    name: entry.name,
    title: entry.title,
    description: entry.description,
    inputSchema: jsonSchemaOf(entry) as ToolDescription['inputSchema'],
    annotations: { title: entry.title, ...annotationsOf(entry) },
  };
}
