import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

const IMAGES = '/v2/namespaces/acme/repositories/app/images';
const { latest, untagged } = SEED.images.acmeApp;

export const imageCases: ToolCase[] = [
  {
    tool: 'get_images_summary',
    as: 'alice',
    args: { namespace: 'acme', repository: 'app' },
    requests: [{ method: 'GET', path: `${IMAGES}-summary`, identity: 'alice' }],
    result: { statistics: { total: 4 } },
    refused: {
      args: { namespace: 'acme', repository: 'app', active_from: 'yesterday' },
      message: 'active_from: must be an ISO 8601 date-time',
    },
  },
  {
    tool: 'list_images',
    as: 'alice',
    args: { namespace: 'acme', repository: 'app', status: 'inactive' },
    requests: [
      {
        method: 'GET',
        path: IMAGES,
        query: { status: 'inactive', page: '1', page_size: '10' },
        identity: 'alice',
      },
    ],
    result: { count: 1, items: [{ digest: untagged, status: 'inactive' }] },
    refused: {
      args: { namespace: 'acme', repository: 'app', status: 'dormant' },
      message: 'status:',
    },
  },
  {
    tool: 'list_image_tags',
    as: 'alice',
    args: { namespace: 'acme', repository: 'app', digest: latest },
    requests: [
      {
        method: 'GET',
        path: `${IMAGES}/${latest}/tags`,
        query: { page: '1', page_size: '10' },
        identity: 'alice',
      },
    ],
    result: { items: [{ tag: 'latest' }] },
    refused: {
      args: { namespace: 'acme', repository: 'app', digest: 'sha256:xyz' },
      message: 'digest: must be "sha256:" and 64 lowercase hex digits',
    },
  },
  {
    tool: 'delete_images',
    as: 'alice',
    args: {
      namespace: 'acme',
      manifests: [{ repository: 'app', digest: untagged }],
      ignore_warnings: [{ repository: 'app', digest: untagged, warning: 'is_active' }],
    },
    requests: [
      {
        method: 'POST',
        path: '/v2/namespaces/acme/delete-images',
        body: {
          dry_run: false,
          manifests: [{ repository: 'app', digest: untagged }],
          ignore_warnings: [{ repository: 'app', digest: untagged, warning: 'is_active' }],
        },
        identity: 'alice',
      },
    ],
    result: { deleted: true, metrics: { manifest_deletes: 1 } },
    refused: {
      args: { namespace: 'acme', manifests: [] },
      message: 'manifests: must name at least one image',
    },
  },
];
