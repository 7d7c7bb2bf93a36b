/**
 * `hubgate approvals` and `hubgate approve ID [--deny]`: the operator's side of out-of-band
 * approval, against a running `hubgate http` service's `/approvals` endpoint, with an operator's
 * key from HUBGATE_OPERATOR_KEY (never a flag: flags end up in shell history and `ps`).
 */

interface ShownApproval {
  id: string;
  agent: string;
  tool: string;
  resources: string[];
  arguments: unknown;
  grants: string[];
  asked_at: string;
  expires_at: string;
  status: 'pending' | 'approved' | 'denied';
  by?: string;
}

export async function listApprovals(url: string, env: NodeJS.ProcessEnv): Promise<string> {
  const body = (await ask(url, env, { method: 'GET' })) as { approvals: ShownApproval[] };
  if (body.approvals.length === 0) return 'No calls are waiting for approval.\n';
  return `${body.approvals.map(describe).join('\n')}\n`;
}

export async function decideApproval(
  url: string,
  env: NodeJS.ProcessEnv,
  id: string,
  approve: boolean,
): Promise<string> {
  const body = (await ask(url, env, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, decision: approve ? 'approve' : 'deny' }),
  })) as { approval: ShownApproval };
  const { approval } = body;
  return (
    `${approve ? 'Approved' : 'Denied'} ${approval.id}: ${approval.tool} for agent "${approval.agent}".\n` +
    (approve
      ? 'Its next call with exactly these arguments is sent, once.\n'
      : 'Its next call with exactly these arguments is refused.\n')
  );
}

function describe(approval: ShownApproval): string {
  const args = JSON.stringify(approval.arguments);
  return [
    `${approval.id}  ${approval.status}${approval.by ? ` by ${approval.by}` : ''}`,
    `  agent ${approval.agent} asks to call ${approval.tool} on ${approval.resources.join(', ')}`,
    `  arguments ${args.length > 500 ? `${args.slice(0, 500)}…` : args}`,
    `  asked ${approval.asked_at}, expires ${approval.expires_at} (grant ${approval.grants.join(', ')})`,
  ].join('\n');
}

async function ask(url: string, env: NodeJS.ProcessEnv, init: RequestInit): Promise<unknown> {
  const key = env.HUBGATE_OPERATOR_KEY;
  if (!key) {
    throw new Error(
      "HUBGATE_OPERATOR_KEY is not set: export an operator's key (its sha256: is under the config's approvals.operators)",
    );
  }
  let endpoint: URL;
  try {
    endpoint = new URL('/approvals', url);
  } catch {
    throw new Error(`--url: "${url}" is not a URL such as http://127.0.0.1:8080`);
  }
  let response: Response;
  try {
    response = await fetch(endpoint, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach hubgate at ${endpoint.origin}: ${why}`);
  }
  const text = await response.text();
  let body: { error?: string } | undefined;
  try {
    body = JSON.parse(text) as { error?: string };
  } catch {
    body = undefined;
  }
  if (!response.ok || !body) {
    throw new Error(
      `hubgate at ${endpoint.origin} answered ${response.status}: ${body?.error ?? text.slice(0, 200)}`,
    );
  }
  return body;
}
