/**
 * The call lane of the 2026-07-28 era over HTTP (the 2025 one is call-lane.ts). A plain
 * tools/call, shaped as clients send it, is answered here in JSON, through the Gateway, without
 * the SDK's per-request serving: createMcpHandler builds a server for every request, turns the
 * request into a Web Request and the answer back, and parses the message with zod on the way,
 * which cost about as much CPU again as the call itself.
 *
 * It takes a request only where the SDK's handler would serve it as this answers it, so the rule
 * is narrow: the standard headers present and agreeing with the body, an envelope holding only
 * what every client sends, a tool that exists, an agent with no grant that asks for approval (an
 * approval over 2026-07-28 is a round trip the SDK carries). Anything else goes to the SDK as
 * before, which serves it or says why not. test/http/modern-lane.test.ts holds the two to the
 * same answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isJsonContentType } from '@modelcontextprotocol/server';
import { CancelSource } from '../cancellation.js';
import type { Gateway } from '../gateway/gateway.js';
import { isPlainObject, isToolCallRequest, jsonRpcErrorOf } from '../lane.js';
import { SERVER_INFO } from '../server-identity.js';
import { findTool } from '../tools/index.js';
import type { Caller } from './identify.js';
import { sendJson } from './responses.js';

/** The one revision the lane speaks; a later one is the SDK's to accept or refuse. */
const REVISION = '2026-07-28';
const PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const SERVER_INFO_KEY = 'io.modelcontextprotocol/serverInfo';

const PARAM_KEYS = new Set(['name', 'arguments', '_meta']);
const ENVELOPE_KEYS = new Set([PROTOCOL_VERSION, CLIENT_INFO, CLIENT_CAPABILITIES]);
const CLIENT_INFO_KEYS = new Set(['name', 'version', 'title']);

/** What the lane needs of a call it takes. */
export interface PlainModernCall {
  id: string | number;
  params: { name: string; arguments?: Record<string, unknown> };
}

/**
 * The call in `body` when the request is shaped as one the lane answers as the SDK would:
 * otherwise undefined. Such a request is of the 2026-07-28 era whatever the SDK's classifier
 * would find, so it is not classified; whether the lane takes it depends on its agent too
 * (laneTakes).
 */
export function plainModernCall(
  request: IncomingMessage,
  body: unknown,
): PlainModernCall | undefined {
  if (!isToolCallRequest(body) || !body.params) return undefined;
  const { params } = body;
  const { name, arguments: args, _meta: envelope } = params;
  if (
    !Object.keys(params).every((key) => PARAM_KEYS.has(key)) ||
    typeof name !== 'string' ||
    !findTool(name) ||
    (args !== undefined && !isPlainObject(args)) ||
    !isPlainEnvelope(envelope)
  ) {
    return undefined;
  }
  const { headers } = request;
  const accept = headers.accept ?? '';
  if (
    !isJsonContentType(headers['content-type'] ?? null) ||
    !accept.includes('application/json') ||
    !accept.includes('text/event-stream') ||
    headers['mcp-protocol-version'] !== REVISION ||
    headers['mcp-method'] !== 'tools/call' ||
    headers['mcp-name'] !== name
  ) {
    return undefined;
  }
  return { id: body.id, params: { name, ...(args === undefined ? {} : { arguments: args }) } };
}

/**
 * Whether the lane answers `agentName`'s plain calls: not when a grant of its may ask. A reload
 * that adds such a grant while a call runs gets that call refused as one no one could be asked
 * about (the Gateway is given no approver), never asked where the JSON answer leaves no way back.
 */
export function laneTakes(gateway: Gateway, agentName: string): boolean {
  const agent = gateway.store.agent(agentName);
  return !!agent && !agent.grants.some((grant) => grant.approve);
}

/** The envelope every client sends, and nothing the SDK would have to read or refuse. */
function isPlainEnvelope(envelope: unknown): boolean {
  if (!isPlainObject(envelope) || !Object.keys(envelope).every((key) => ENVELOPE_KEYS.has(key))) {
    return false;
  }
  const info = envelope[CLIENT_INFO];
  const capabilities = envelope[CLIENT_CAPABILITIES];
  return (
    envelope[PROTOCOL_VERSION] === REVISION &&
    isPlainObject(info) &&
    typeof info.name === 'string' &&
    typeof info.version === 'string' &&
    Object.entries(info).every(
      ([key, value]) => CLIENT_INFO_KEYS.has(key) && typeof value === 'string',
    ) &&
    isPlainObject(capabilities) &&
    Object.values(capabilities).every(isPlainObject)
  );
}

/**
 * Runs `call` for `caller` and answers it in JSON, as the SDK's handler does: the result with
 * `resultType` and the server's identity in its `_meta`, or the error the Gateway threw. A client
 * that goes away first cancels the call, as the SDK's would.
 */
export async function answerModernCall(
  call: PlainModernCall,
  response: ServerResponse,
  caller: Caller,
  deps: { gateway: Gateway; onCallStart: () => () => void },
): Promise<void> {
  const callEnded = deps.onCallStart();
  const signal = new CancelSource();
  // Before the answer is written, a close is the client gone.
  const cancel = () => signal.cancel();
  response.once('close', cancel);
  let answer: unknown;
  try {
    const result = await deps.gateway.call(caller.agent, call.params.name, call.params.arguments, {
      transport: 'http',
      session: null,
      ...(caller.principal ? { principal: caller.principal } : {}),
      signal,
    });
    answer = {
      result: { ...result, resultType: 'complete', _meta: { [SERVER_INFO_KEY]: SERVER_INFO } },
      jsonrpc: '2.0',
      id: call.id,
    };
  } catch (error) {
    answer = { jsonrpc: '2.0', id: call.id, error: jsonRpcErrorOf(error) };
  } finally {
    response.off('close', cancel);
    callEnded();
  }
  sendJson(response, 200, answer);
}
