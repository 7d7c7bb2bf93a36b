/**
 * The Hub's error bodies as it really sends them, and what an agent reads of them: the
 * explanation, not the Hub's call bookkeeping, and never an HTML page's markup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubMessageOf } from '../../src/hub/errors.js';

import { ALICE_READ, type Harness, startHarness } from '../helpers/harness.js';

const CDN_PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title><style>body{font-family:sans-serif;margin:0}
.x{color:#333}${'.y{padding:1px}'.repeat(40)}</style></head>
<body><h1>502 Bad Gateway</h1><p>cloudflare</p></body></html>`;

describe('hubMessageOf', () => {
  it("keeps errinfo's explanation and drops the Hub's api_call_* bookkeeping", () => {
    expect(
      hubMessageOf({
        message: 'object not found',
        errinfo: {
          namespace: 'acme',
          api_call_docker_id: 'a1b2',
          api_call_name: 'GetRepository',
          api_call_start: '2025-05-01T20:15:38Z',
          api_call_txnid: '9f1c',
        },
      }),
    ).toEqual({ message: 'object not found {"namespace":"acme"}', txnid: '9f1c' });
    expect(
      hubMessageOf({ message: 'nope', errinfo: { api_call_name: 'X', api_call_txnid: 't' } }),
    ).toEqual({ message: 'nope', txnid: 't' });
  });

  it('says an HTML page is one, with its title at most', () => {
    expect(hubMessageOf(CDN_PAGE)).toEqual({ message: 'an HTML page ("502 Bad Gateway")' });
    expect(hubMessageOf('<html><body>oops</body></html>')).toEqual({ message: 'an HTML page' });
    // Plain text stays text.
    expect(hubMessageOf('upstream connect error')).toEqual({ message: 'upstream connect error' });
  });
});

describe('errors as an agent reads them', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      credential: ALICE_READ,
      agent: { name: 'reader', grants: [{ resource: 'repo:*/*', access: 'read' }] },
    });
  });
  afterAll(() => h.close());

  it('a 404 from the real-shaped Hub: the message and errinfo, no api_call_* noise', async () => {
    const result = await h.call('get_repository', { namespace: 'acme', repository: 'nope' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^Docker Hub answered 404 to GET \/v2\/namespaces\/acme\/repositories\/nope/,
    );
    expect(result.text).toContain('object not found');
    expect(result.text).not.toContain('api_call_');
    expect(result.text).toMatch(/\[txnid [0-9a-f]{32}\]\.$/);
  });

  it('an HTML error page: the status and "an HTML page", not its markup', async () => {
    const path = '/v2/namespaces/library/repositories/nginx';
    h.hub.inject({
      path,
      status: 502,
      rawBody: CDN_PAGE,
      headers: { 'content-type': 'text/html' },
      times: 5,
    });
    try {
      const result = await h.call('get_repository', { namespace: 'library', repository: 'nginx' });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(
        /^Docker Hub answered 502 to GET .*: an HTML page \("502 Bad Gateway"\)\.$/,
      );
      expect(result.text).not.toMatch(/<|style|font-family/);
    } finally {
      h.hub.clearFaults();
    }
  });
});
