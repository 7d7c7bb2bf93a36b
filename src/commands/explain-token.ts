/**
 * `hubgate explain --token-claims FILE`: which agent an OAuth access token with these claims
 * signs in as, by the config's `oauth.agents` rules, the same function the HTTP service uses.
 * The file holds the claims as JSON, or the token itself: its payload is decoded, not verified
 * (this answers "what would this token map to", not "is it valid").
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/types.js';
import { agentForClaims, type Claims } from '../oauth/claims.js';
import { looksLikeJwt } from '../oauth/verifier.js';
import { UsageError } from '../options.js';

export interface TokenExplanation {
  /** The agent the claims sign in as, if any. */
  agent?: string;
  text: string;
}

export function explainTokenClaims(config: Config, file: string): TokenExplanation {
  const { oauth } = config;
  if (!oauth) {
    throw new UsageError(
      `--token-claims: ${config.source ?? 'the configuration'} has no oauth section to map tokens with`,
      'explain',
    );
  }
  const { claims, decoded } = readClaims(file);
  const mapped = agentForClaims(oauth, claims);
  const head = `token claims ${file}${decoded ? ' (a token, decoded, not verified)' : ''}`;
  const who = ['sub', 'client_id']
    .filter((claim) => typeof claims[claim] === 'string')
    .map((claim) => `${claim} "${String(claims[claim])}"`)
    .join(', ');
  const lines: string[] = [];
  if (mapped.kind === 'agent') {
    const rule = oauth.rules[mapped.rule];
    lines.push(`${head}: agent ${mapped.agent}`);
    lines.push(`  by rule: oauth.agents[${mapped.rule}] ${describeRule(rule?.when)}`);
  } else if (mapped.kind === 'insufficient scope') {
    lines.push(`${head}: no agent (403 insufficient_scope)`);
    lines.push(
      `  rule oauth.agents[${mapped.rule}] matches but for its scope: the token needs ${mapped.scopes.map((s) => `"${s}"`).join(' or ')}`,
    );
  } else {
    lines.push(`${head}: no agent (403)`);
    lines.push(`  no rule under oauth.agents matches${who ? ` (${who})` : ''}`);
  }
  lines.push(
    `  also checked on a real token: signature (${oauth.algorithms.join(', ')}), iss ${oauth.issuer}, aud ${oauth.audience}, exp/nbf within ${oauth.clockSkewSeconds} s`,
  );
  return {
    ...(mapped.kind === 'agent' ? { agent: mapped.agent } : {}),
    text: `${lines.join('\n')}\n`,
  };
}

function readClaims(file: string): { claims: Claims; decoded: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new UsageError(
      `--token-claims: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'explain',
    );
  }
  const token = text.replace(/^Bearer\s+/i, '');
  if (looksLikeJwt(token)) {
    const payload = token.split('.')[1] ?? '';
    return {
      claims: objectOf(Buffer.from(payload, 'base64url').toString('utf8'), file),
      decoded: true,
    };
  }
  return { claims: objectOf(text, file), decoded: false };
}

function objectOf(text: string, file: string): Claims {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(
      `--token-claims: ${file} is neither a JSON object of claims nor a JWT`,
      'explain',
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--token-claims: ${file} must hold a JSON object of claims`, 'explain');
  }
  return value as Claims;
}

function describeRule(when: ReadonlyMap<string, readonly string[]> | undefined): string {
  return [...(when ?? [])]
    .map(
      ([claim, values]) => `${claim}=${values.length === 1 ? values[0] : `[${values.join(', ')}]`}`,
    )
    .join(', ');
}
