/**
 * Reading the config file: YAML or JSON by extension, `${VAR}` interpolation, schema validation,
 * and every problem reported as `file: field.path: rule`, all at once, so one run shows them all.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import type { z } from 'zod';
import type { Grant } from '../policy/types.js';
import { ConfigError } from './errors.js';
import {
  type InterpolationProblem,
  interpolate,
  type Substitutions,
  withoutSubstitutions,
} from './interpolate.js';
import { type ConfigFile, configSchema, DEFAULT_OAUTH_ALGORITHMS } from './schema.js';
import type { AgentConfig, Config, CredentialConfig, OAuthConfig } from './types.js';

export { ConfigError };

/** `agents.ci-bot.grants[2].access` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = String(segment);
      if (/^[A-Za-z0-9_-]+$/.test(text)) return index === 0 ? text : `.${text}`;
      return `[${JSON.stringify(text)}]`;
    })
    .join('');
}

/**
 * `toolNames` are the names `tools.allow` and `tools.deny` may list: the catalog's, passed in so
 * that config stays below the catalog in the layers.
 */
/**
 * `unsetVariables: 'warn'` is for commands that never call the Hub (check, explain): a secret
 * the operator has not exported yet is a warning on the config, not an error.
 */
export interface ParseOptions {
  unsetVariables?: 'error' | 'warn';
}

export function loadConfigFile(
  file: string,
  env: NodeJS.ProcessEnv,
  toolNames: ReadonlySet<string>,
  options: ParseOptions = {},
): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (error as Error).message})`,
    ]);
  }
  return parseConfig(text, file, env, toolNames, options);
}

export function parseConfig(
  text: string,
  source: string,
  env: NodeJS.ProcessEnv,
  toolNames: ReadonlySet<string>,
  options: ParseOptions = {},
): Config {
  const document = parseByExtension(text, source);
  const found: InterpolationProblem[] = [];
  const substituted: Substitutions = new Map();
  const interpolated = interpolate(document, env, found, [], substituted);
  const describe = (problem: InterpolationProblem) =>
    `${formatPath(problem.path) || '(top level)'}: ${problem.message}`;
  const tolerated = (problem: InterpolationProblem) =>
    problem.unset === true && options.unsetVariables === 'warn';
  const problems = found.filter((problem) => !tolerated(problem));
  if (problems.length > 0) throw new ConfigError(source, problems.map(describe));
  const parsed = configSchema(toolNames).safeParse(interpolated ?? {});
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new ConfigError(
      source,
      problems.map((problem) => withoutSubstitutions(problem, substituted)),
    );
  }
  const config = toConfig(parsed.data, source);
  const warnings = found.filter(tolerated).map(describe);
  if (warnings.length > 0) config.warnings = warnings;
  return config;
}

function parseByExtension(text: string, source: string): unknown {
  const extension = extname(source).toLowerCase();
  if (extension === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(source, [`is not valid JSON: ${(error as Error).message}`]);
    }
    // JSON.parse keeps the last of two "grants": a policy must not say one thing and mean
    // another. JSON is YAML, whose parser finds duplicate keys, with their line.
    parseYaml(text, source, 'JSON');
    return value;
  }
  if (extension === '.yaml' || extension === '.yml') return parseYaml(text, source, 'YAML');
  throw new ConfigError(source, ['must end in .yaml, .yml or .json']);
}

function parseYaml(text: string, source: string, language: 'YAML' | 'JSON'): unknown {
  // Loaded on demand: most sessions never read a config file, and the parser is large.
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `line ${position.line}, column ${position.col}: ` : '';
        // prettyErrors appends " at line L, column C:" and a snippet; keep the sentence.
        const sentence = (error.message.split('\n')[0] ?? '').replace(
          / at line \d+, column \d+:$/,
          '',
        );
        return `${where}is not valid ${language}: ${sentence}`;
      }),
    );
  }
  return document.toJS();
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = formatPath(issue.path) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      return `${where}: is required`;
    }
    if (issue.code === 'invalid_key')
      return `${where}: name ${issue.issues[0]?.message ?? 'is invalid'}`;
    return `${where}: ${issue.message}`;
  });
}

function toConfig(file: ConfigFile, source: string): Config {
  const credentials = new Map<string, CredentialConfig>();
  for (const [name, value] of Object.entries(file.credentials)) {
    credentials.set(
      name,
      value.scim_token !== undefined
        ? { kind: 'scim', name, org: value.org as string, token: value.scim_token }
        : { kind: 'hub', name, username: value.username as string, secret: value.secret as string },
    );
  }
  const agents = new Map<string, AgentConfig>();
  for (const [name, value] of Object.entries(file.agents)) {
    const agent: AgentConfig = { name, grants: value.grants.map(grantOf), keys: value.keys };
    if (value.credential) agent.credential = value.credential;
    if (value.scim_credential) agent.scimCredential = value.scim_credential;
    if (value.tools) agent.tools = value.tools;
    if (value.rate_limit) agent.callsPerMinute = value.rate_limit.calls_per_minute;
    if (value.approve_via === 'operator') agent.approveVia = 'operator';
    agents.set(name, agent);
  }
  const names = [...agents.keys()];
  const defaultAgent = file.default_agent ?? (names.length === 1 ? names[0] : undefined);
  const config: Config = { source, credentials, agents };
  if (defaultAgent) config.defaultAgent = defaultAgent;
  if (file.hub?.url) config.hubUrl = file.hub.url;
  // Relative to the config file, not to wherever the host started hubgate (Claude Desktop: `/`).
  if (file.audit?.file) config.auditFile = resolve(dirname(source), file.audit.file);
  if (file.oauth) config.oauth = oauthConfig(file.oauth);
  if (file.approvals) {
    const { key, expires_seconds, operator_expires_seconds, operators } = file.approvals;
    config.approvals = {
      ...(key === undefined ? {} : { key }),
      expiresSeconds: expires_seconds,
      operatorExpiresSeconds: operator_expires_seconds,
      operators,
    };
  }
  return config;
}

function oauthConfig(file: NonNullable<ConfigFile['oauth']>): OAuthConfig {
  const oauth: OAuthConfig = {
    // Compared with `iss` as the provider writes it: no trailing slash is added or taken away.
    issuer: file.issuer,
    audience: file.audience,
    algorithms: file.algorithms ?? DEFAULT_OAUTH_ALGORITHMS,
    clockSkewSeconds: file.clock_skew_seconds,
    rules: file.agents.map((rule) => ({
      agent: rule.agent,
      when: new Map(
        Object.entries(rule.when).map(([claim, values]) => [
          claim,
          typeof values === 'string' ? [values] : values,
        ]),
      ),
    })),
  };
  if (file.jwks_uri) oauth.jwksUri = file.jwks_uri;
  return oauth;
}

function grantOf(grant: ConfigFile['agents'][string]['grants'][number]): Grant {
  const { resource, access, approve } = grant;
  if (approve === undefined) return { resource, access };
  return { resource, access, approve: approve === 'always' ? { always: true } : approve };
}
