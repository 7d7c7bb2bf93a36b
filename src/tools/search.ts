import { z } from 'zod';
import { page, pageSize } from './schemas.js';
import { searchResultSummary } from './shape.js';
import type { ToolEntry } from './types.js';

const list = (values: readonly [string, ...string[]]) =>
  z.array(z.enum(values)).min(1).max(values.length).optional();

export const searchTools: ToolEntry[] = [
  {
    name: 'search_catalog',
    title: 'Search Docker Hub',
    description:
      "Search Docker Hub's public images (or extensions, plugins) by keyword, best match first.",
    input: () =>
      z.strictObject({
        query: z.string().min(1, 'must not be empty').max(255),
        // The v4 search also finds Desktop extensions and Engine plugins, which are not images.
        type: z.enum(['image', 'extension', 'plugin']).default('image'),
        badges: list(['official', 'verified_publisher', 'open_source']),
        architectures: z
          .array(
            z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be an architecture name like "arm64"'),
          )
          .max(10)
          .optional()
          .describe('e.g. ["arm64"]'),
        operating_systems: list(['linux', 'windows']),
        sort: z
          .enum(['pull_count', 'updated_at'])
          .optional()
          .describe('Sort instead of best match'),
        order: z.enum(['asc', 'desc']).optional().describe('With sort'),
        page,
        page_size: pageSize,
      }),
    method: 'GET',
    path: '/api/search/v4',
    // The search service pages by offset: turn page/page_size into from/size.
    query: (args) => ({
      query: args.query,
      type: args.type,
      badges: args.badges,
      architectures: args.architectures,
      operating_systems: args.operating_systems,
      sort: args.sort,
      order: args.order,
      from: ((args.page as number) - 1) * (args.page_size as number),
      size: args.page_size,
    }),
    access: 'read',
    resources: ['catalog'],
    hints: ['RO'],
    shape: (response, args) => {
      const body = (response.body ?? {}) as { total?: number; results?: unknown[] };
      const results = Array.isArray(body.results) ? body.results : [];
      const seen = ((args.page as number) - 1) * (args.page_size as number) + results.length;
      return {
        items: results.map(searchResultSummary),
        count: body.total,
        page: args.page,
        page_size: args.page_size,
        has_more: typeof body.total === 'number' && seen < body.total,
      };
    },
  },
];
