/**
 * One valid call and one refused call per tool, run against the fake Hub by calls.test.ts.
 * Resources live in the fake Hub's seeded org `acme` (see test/fake-hub/seed.ts).
 */
import type { FakeHub } from '../../fake-hub/index.js';

export interface ToolCase {
  tool: string;
  /** State the call needs that no seed holds (a login waiting for its second factor). */
  setup?: (hub: FakeHub) => void;
  /** The seeded identity the agent calls with; `acme-oat` is acme's organization access token. */
  as: 'alice' | 'carol' | 'bob' | 'acme-oat' | 'anonymous';
  /** Give the agent acme's SCIM credential (SCIM tools). */
  scim?: boolean;
  args: Record<string, unknown>;
  /**
   * Every Hub request the call makes, in order, leaving out the exchanges of the agent's own
   * credential (a token request the tool itself makes, auth_create_token's, is listed). `identity` is who the
   * request was made as: a username from the bearer JWT, `scim` for the SCIM token, or `none`.
   * `query` and `body` are compared exactly (an absent `body` means no body).
   */
  requests: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    identity: string;
  }[];
  /**
   * The shaped result: a partial object (toMatchObject), or a function that asserts on it; the
   * function also gets the text, for tools that answer text (a CSV export).
   */
  // biome-ignore lint/suspicious/noExplicitAny: a case reaches into results of every shape
  result: Record<string, unknown> | ((json: any, text: string) => void);
  /** Arguments the schema refuses: the message must contain `message`, and nothing is sent. */
  refused: { args: Record<string, unknown>; message: string };
}
