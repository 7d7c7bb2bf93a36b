/**
 * A call refused at the protocol level (malformed, unknown tool, over the rate limit): the MCP
 * adapter answers it as a JSON-RPC error, where other refusals are tool results with isError.
 * Codes are JSON-RPC's, so the gateway needs no protocol SDK to say them.
 */
export const INVALID_PARAMS = -32602;
/** "Too many calls": in the range JSON-RPC leaves to servers. */
export const RATE_LIMITED = -32029;

export class CallRejected extends Error {
  override name = 'CallRejected';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}
