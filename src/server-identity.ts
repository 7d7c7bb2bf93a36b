/**
 * What hubgate's MCP server says about itself: its name, its capabilities, its instructions. The
 * SDK server (server.ts) and the stdio front (stdio-front.ts), which answers the opening of a
 * session before the SDK is loaded, say exactly the same.
 */
import { VERSION } from './version.js';

export const SERVER_INFO = {
  name: 'hubgate',
  title: 'hubgate: Docker Hub with per-agent policy',
  version: VERSION,
};

export const SERVER_CAPABILITIES = { tools: { listChanged: true } };

export const INSTRUCTIONS =
  'hubgate gives access to the Docker Hub API through a per-agent policy. Only the tools this ' +
  'agent may use are listed; a refused call says which grant is missing and sends nothing to ' +
  'Docker Hub. Results are compact JSON; list and get tools take detail:"full" for the raw objects.';
