import { describe, expect, it } from 'vitest';
import { buildPath, buildQuery, PathParameterError } from '../../src/hub/path.js';

describe('buildPath', () => {
  const template = '/v2/namespaces/{namespace}/repositories/{repository}';

  it('fills and encodes each parameter as one segment', () => {
    expect(buildPath(template, { namespace: 'library', repository: 'nginx' })).toBe(
      '/v2/namespaces/library/repositories/nginx',
    );
    expect(buildPath(template, { namespace: 'a/b', repository: 'x?page_size=1#' })).toBe(
      '/v2/namespaces/a%2Fb/repositories/x%3Fpage_size%3D1%23',
    );
    expect(buildPath('/v2/users/{username}', { username: '%2e%2e' })).toBe('/v2/users/%252e%252e');
    expect(buildPath('/v2/x/{digest}', { digest: 'sha256:ab' })).toBe('/v2/x/sha256:ab');
  });

  it('keeps the text around, between and after the parameters, the same on every use', () => {
    expect(buildPath('/v2/orgs/{org}/members/{name}/role', { org: 'acme', name: 'bo b' })).toBe(
      '/v2/orgs/acme/members/bo%20b/role',
    );
    // The same template again, with other values: nothing of the first use stays.
    expect(buildPath('/v2/orgs/{org}/members/{name}/role', { org: 'x', name: 'y:z' })).toBe(
      '/v2/orgs/x/members/y:z/role',
    );
    expect(buildPath('/v2/{a}{b}', { a: '1', b: 2 })).toBe('/v2/12');
    expect(buildPath('/v2/users/me', {})).toBe('/v2/users/me');
    expect(buildPath('{only}', { only: 'a/b' })).toBe('a%2Fb');
  });

  it('refuses missing, empty and dot-segment values', () => {
    expect(() => buildPath(template, { namespace: 'library' })).toThrow(PathParameterError);
    expect(() => buildPath(template, { namespace: '', repository: 'x' })).toThrow(
      /must not be empty/,
    );
    expect(() => buildPath(template, { namespace: '..', repository: 'x' })).toThrow(
      PathParameterError,
    );
    expect(() => buildPath(template, { namespace: '.', repository: 'x' })).toThrow(
      PathParameterError,
    );
  });
});

describe('buildQuery', () => {
  it('keeps defined values, joins arrays and encodes', () => {
    expect(
      buildQuery({ page: 2, name: 'a&b=c', skip: undefined, badges: ['official', 'open_source'] }),
    ).toBe('?page=2&name=a%26b%3Dc&badges=official%2Copen_source');
    expect(buildQuery({})).toBe('');
    expect(buildQuery(undefined)).toBe('');
  });
});
