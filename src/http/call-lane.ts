/**
 * The call lane over Streamable HTTP (the lane itself: ../lane.ts). In a 2025-era session, a
 * POST carrying one tools/call is answered here, in JSON, without the SDK's Web-standard
 * transport: a Request and a Response built for every POST and zod parses of each message cost
 * more than half of the service's CPU per call. In a session whose answers are SSE, only while
 * the call cannot need the stream: its agent has nothing to ask the client (session-lifecycle.ts).
 * The spec lets a server answer any request in JSON or SSE, and clients take either.
 *
 * It takes a request only when the SDK's transport would have accepted it; anything else
 * (another method, a batch, a notification, a header the SDK would refuse) goes to the SDK as
 * before, which answers it or says why not. A POST whose call was cancelled is still answered,
 * with the call's error: an HTTP request cannot go unanswered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isToolCallRequest } from '../lane.js';
import { sendJson } from './responses.js';
import type { Session } from './sessions.js';

/**
 * Answers `body` in the lane and resolves true, or resolves false at once (nothing read, nothing
 * answered) when the request is not one for the lane.
 */
export async function answerInLane(
  session: Session,
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
): Promise<boolean> {
  const { lane } = session;
  if (!lane || !isToolCallRequest(body) || !lane.takes() || !acceptedBySdk(request, session)) {
    return false;
  }
  session.lastActivity = Date.now();
  const { answer } = await lane.calls.answer(lane.callTool, body);
  sendJson(response, 200, answer, { 'mcp-session-id': session.id });
  return true;
}

/**
 * The checks the SDK's transport makes of a POST in a session, here as a yes: a request failing
 * any of them goes to the SDK, which answers it with its own error.
 */
function acceptedBySdk(request: IncomingMessage, session: Session): boolean {
  const accept = request.headers.accept ?? '';
  const version = request.headers['mcp-protocol-version'];
  return (
    accept.includes('application/json') &&
    accept.includes('text/event-stream') &&
    isJsonContentType(request.headers['content-type']) &&
    // Absent, the SDK assumes its default; present, it must be what the session agreed on (a
    // version the SDK supports): another is the SDK's to judge.
    (version === undefined || version === session.server.getNegotiatedProtocolVersion())
  );
}

function isJsonContentType(value: string | undefined): boolean {
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
