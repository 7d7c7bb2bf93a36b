import { z } from 'zod';
import { dateTime, digest, namespace, page, pageSize, repository, tag } from './schemas.js';
import { asIs, type Json, pageOf } from './shape.js';
import type { ToolEntry } from './types.js';

const REPO = 'repo:{namespace}/{repository}';
const IMAGES_PATH = '/v2/namespaces/{namespace}/repositories/{repository}/images';
const PLAN_NOTE = 'Needs a Pro or Team plan (else 403).';

function imageSummary(value: unknown): Json {
  const image = (value ?? {}) as Json;
  const tags = Array.isArray(image.tags) ? (image.tags as Json[]) : [];
  return {
    digest: image.digest,
    status: image.status,
    last_pushed: image.last_pushed,
    last_pulled: image.last_pulled,
    tags: tags.filter((t) => t.is_current !== false).map((t) => t.tag ?? t.name),
  };
}

/** delete-images answers 200 with metrics, or 400 with what blocks the deletion. */
function deletionOutcome(response: { status: number; body: unknown }): Json {
  const body = (response.body ?? {}) as Json;
  if (response.status < 300) return { deleted: body.dry_run !== true, ...body };
  const details = ((body.errinfo as Json | undefined)?.details ?? {}) as Json;
  return {
    deleted: false,
    message: body.message ?? body.detail,
    errors: details.errors ?? [],
    warnings: details.warnings ?? [],
    hint: 'Errors cannot be ignored. To delete anyway, repeat the call with the warnings you accept in ignore_warnings.',
  };
}

export const imageTools: ToolEntry[] = [
  {
    name: 'get_images_summary',
    title: 'Count images',
    description: `Count a repository's images, active and inactive. ${PLAN_NOTE}`,
    input: () =>
      z.strictObject({
        namespace,
        repository,
        active_from: dateTime
          .optional()
          .describe('Active means pushed or pulled since (default: a month ago)'),
      }),
    method: 'GET',
    path: `${IMAGES_PATH}-summary`,
    query: ['active_from'],
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: asIs,
  },
  {
    name: 'list_images',
    title: 'List images',
    description: `List a repository's images (digests): status, last push/pull, current tags. ${PLAN_NOTE}`,
    input: () =>
      z.strictObject({
        namespace,
        repository,
        status: z.enum(['active', 'inactive']).optional(),
        currently_tagged: z.boolean().optional().describe('Only images with/without a current tag'),
        ordering: z.enum(['last_activity', '-last_activity', 'digest', '-digest']).optional(),
        active_from: dateTime.optional().describe('Active means pushed or pulled since'),
        page,
        page_size: pageSize,
      }),
    paginated: true,
    method: 'GET',
    path: IMAGES_PATH,
    query: ['status', 'currently_tagged', 'ordering', 'active_from', 'page', 'page_size'],
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: pageOf(imageSummary),
  },
  {
    name: 'list_image_tags',
    title: 'List image tags',
    description: `List the current and past tags of an image. ${PLAN_NOTE}`,
    input: () => z.strictObject({ namespace, repository, digest, page, page_size: pageSize }),
    paginated: true,
    method: 'GET',
    path: `${IMAGES_PATH}/{digest}/tags`,
    query: ['page', 'page_size'],
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: pageOf((value) => {
      const item = (value ?? {}) as Json;
      return { tag: item.tag ?? item.name, is_current: item.is_current };
    }),
  },
  {
    name: 'delete_images',
    title: 'Delete images',
    description:
      'Delete images by digest, tags included. Active or tagged ones are refused with warnings: ' +
      `resend them in ignore_warnings. Try dry_run first. ${PLAN_NOTE}`,
    input: () =>
      z.strictObject({
        namespace,
        manifests: z
          .array(z.strictObject({ repository, digest }))
          .min(1, 'must name at least one image')
          .max(100, 'must name at most 100 images'),
        ignore_warnings: z
          .array(
            z.strictObject({
              repository,
              digest,
              warning: z.enum(['is_active', 'current_tag']),
              tags: z.array(tag).max(100).optional(),
            }),
          )
          .max(200)
          .optional()
          .describe('Warnings from a previous answer to accept'),
        dry_run: z.boolean().default(false).describe('Check and report, delete nothing'),
        active_from: dateTime.optional().describe('Active means pushed or pulled since'),
      }),
    method: 'POST',
    path: '/v2/namespaces/{namespace}/delete-images',
    body: ['dry_run', 'active_from', 'manifests', 'ignore_warnings'],
    access: 'admin',
    // Every repository named anywhere in the body is a resource: what the Hub does with a name
    // in ignore_warnings is its business, so naming one needs the grant as much as deleting does.
    resources: [
      'repo:{namespace}/{manifests[].repository}',
      'repo:{namespace}/{ignore_warnings[].repository}',
    ],
    hints: ['D'],
    answerStatuses: [400],
    shape: deletionOutcome,
  },
];
