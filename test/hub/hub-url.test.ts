import { describe, expect, it } from 'vitest';
import { parseHubUrl } from '../../src/hub/connection.js';
import { parseCommandLine, UsageError } from '../../src/options.js';

describe('the Docker Hub URL', () => {
  it.each(['https://hub.docker.com/v2', 'https://hub.docker.com/v2/', 'http://proxy:8080/hub/api'])(
    'refuses %s: a base URL with the API path would send /v2/v2/...',
    (url) => {
      expect(() => parseHubUrl(url)).toThrow(
        /must be the base URL, without \/(?:hub\/)?(?:v2|api)/,
      );
      expect(() => parseCommandLine(['--hub-url', url], {})).toThrow(UsageError);
      expect(() => parseCommandLine(['http', '--hub-url', url], {})).toThrow(UsageError);
    },
  );

  it.each(['https://hub.docker.com', 'https://hub.docker.com/', 'http://127.0.0.1:5555/hub'])(
    'takes %s',
    (url) => {
      expect(parseHubUrl(url).href).toMatch(/^https?:\/\//);
    },
  );
});
