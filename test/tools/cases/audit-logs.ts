import { expect } from 'vitest';
import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

export const auditLogCases: ToolCase[] = [
  {
    tool: 'list_audit_logs',
    as: 'alice',
    args: { org: 'acme', action: 'repo.tag.push', name: 'acme/app' },
    requests: [
      {
        method: 'GET',
        path: '/v2/auditlogs/acme',
        query: { action: 'repo.tag.push', name: 'acme/app', page: '1', page_size: '25' },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({ page: 1, page_size: 25, has_more: false });
      expect(json.items.map((e: { data: { tag: string } }) => e.data.tag)).toEqual([
        'latest',
        'v1.1.0',
        'v1.0.0',
        'v0.9.0',
      ]);
      expect(json.items[0]).toEqual({
        timestamp: expect.any(String),
        action: 'repo.tag.push',
        actor: 'alice',
        name: 'acme/app',
        description: expect.stringContaining('pushed the tag latest'),
        data: { tag: 'latest', digest: SEED.images.acmeApp.latest },
      });
    },
    refused: {
      args: { org: 'acme', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      message: 'from: must not be after to',
    },
  },
  {
    tool: 'list_audit_log_actions',
    as: 'alice',
    args: { org: 'acme' },
    requests: [{ method: 'GET', path: '/v2/auditlogs/acme/actions', identity: 'alice' }],
    result: (json) => {
      expect(json.actions).toHaveLength(12);
      expect(json.actions).toContainEqual({ action: 'repo.tag.push', label: 'Tag Pushed' });
      expect(json.actions).toContainEqual({
        action: 'org.member.removed',
        label: 'Organization Member Removed',
      });
    },
    refused: {
      args: { org: 'acme', action: 'repo.tag.push' },
      message: 'unknown argument "action"',
    },
  },
];
