/**
 * The config file's schema. Every rule carries a message that says what is expected, because the
 * message is all an operator sees: `agents.ci-bot.grants[2].access: must be read, write or admin`.
 */
import { z } from 'zod';
import { ACCESS_LEVELS, GRANT_RESOURCE, GRANT_RESOURCE_RULE } from '../policy/types.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const NAME_RULE = 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

const name = z.string().regex(NAME, NAME_RULE);

const accessLevel = z.enum(ACCESS_LEVELS, { error: 'must be read, write or admin' });

/** `approve: always`, `approve: { tools: [...] }` or `approve: { access: admin }`. */
const approval = (toolName: z.ZodType<string>) =>
  z.union(
    [
      z.literal('always'),
      z.strictObject({ tools: z.array(toolName).min(1, 'must list at least one tool') }),
      z.strictObject({ access: accessLevel }),
    ],
    {
      error:
        'must be always, { tools: [TOOL, ...] } or { access: LEVEL } (calls at that level or above)',
    },
  );

const grantSchema = (toolName: z.ZodType<string>) =>
  z.strictObject({
    resource: z.string().regex(GRANT_RESOURCE, GRANT_RESOURCE_RULE),
    access: accessLevel,
    approve: approval(toolName).optional(),
  });

const credential = z
  .strictObject({
    username: z.string().min(1, 'must not be empty').optional(),
    secret: z.string().min(1, 'must not be empty').optional(),
    scim_token: z.string().min(1, 'must not be empty').optional(),
    org: z.string().regex(NAME, NAME_RULE).optional(),
  })
  .superRefine((value, context) => {
    const hub = value.username !== undefined || value.secret !== undefined;
    const scim = value.scim_token !== undefined || value.org !== undefined;
    const complete =
      (hub && !scim && value.username !== undefined && value.secret !== undefined) ||
      (scim && !hub && value.scim_token !== undefined && value.org !== undefined);
    if (!complete) {
      context.addIssue({
        code: 'custom',
        message:
          'must have username + secret (a Docker Hub identity) or scim_token + org (SCIM), not a mix',
      });
    }
  });

/** Signature algorithms a token may use: public-key ones only. */
export const OAUTH_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export const DEFAULT_OAUTH_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * An issuer, JWKS or resource URL. Keys fetched over plain HTTP could be swapped on the way, so
 * only loopback (an identity provider on the same machine, or a test's) may skip TLS.
 */
export function isSecureUrl(url: URL): boolean {
  return (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
  );
}

const secureUrl = z
  .url({ error: 'must be a URL such as https://login.example.com/realms/acme' })
  .refine((value) => isSecureUrl(new URL(value)), {
    error: 'must be https (plain http only on loopback)',
  });

const CLAIM = /^[A-Za-z0-9_:/.#-]{1,200}$/;
const claimValue = z.string().min(1, 'must not be empty');

const oauthSchema = z.strictObject({
  issuer: secureUrl,
  audience: secureUrl,
  jwks_uri: secureUrl.optional(),
  algorithms: z
    .array(
      z.enum(OAUTH_ALGORITHMS, {
        error:
          'must be a public-key algorithm (RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA): with a shared secret (HS*) whoever can check a token can forge one, and "none" is no signature',
      }),
    )
    .min(1, 'must name at least one algorithm')
    .optional(),
  clock_skew_seconds: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be between 0 and 300')
    .max(300, 'must be between 0 and 300')
    .default(30),
  agents: z
    .array(
      z.strictObject({
        agent: name,
        when: z
          .record(
            z
              .string()
              .regex(CLAIM, 'must be a claim name, or a dotted path such as realm_access.roles'),
            z.union([claimValue, z.array(claimValue).min(1, 'must list at least one value')]),
          )
          .refine((when) => Object.keys(when).length > 0, {
            error: 'must name at least one claim: a rule that matches every token lets anyone in',
          }),
      }),
    )
    .min(1, 'must map tokens to at least one agent'),
});

const seconds = (min: number, max: number, fallback: number) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`)
    .default(fallback);

const keyHash = z
  .string()
  .regex(
    /^sha256:[0-9a-f]{64}$/,
    'must be "sha256:" and 64 lowercase hex digits (`hubgate key` makes one)',
  );

/** How approvals are kept: the sealing key, how long a question waits, who may decide. */
const approvalsSchema = z.strictObject({
  key: z
    .string()
    .min(
      32,
      'must be at least 32 characters: set it from a variable, e.g. `openssl rand -base64 32`',
    )
    .optional(),
  expires_seconds: seconds(1, 3600, 300),
  operator_expires_seconds: seconds(60, 7 * 24 * 3600, 3600),
  operators: z.array(z.strictObject({ name, key: keyHash })).default([]),
});

/** The names `tools.allow` and `tools.deny` may list: the catalog's, passed in by the caller. */
const agentSchema = (toolName: z.ZodType<string>) =>
  z.strictObject({
    credential: name.optional(),
    scim_credential: name.optional(),
    keys: z.array(keyHash).default([]),
    grants: z.array(grantSchema(toolName)).default([]),
    approve_via: z
      .enum(['client', 'operator'], {
        error: "must be client (the agent's user answers) or operator (`hubgate approve ID`)",
      })
      .default('client'),
    tools: z
      .strictObject({
        allow: z.array(toolName).optional(),
        deny: z.array(toolName).optional(),
      })
      .optional(),
    rate_limit: z
      .strictObject({
        calls_per_minute: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be between 1 and 100000')
          .max(100_000, 'must be between 1 and 100000'),
      })
      .optional(),
  });

const schemas = new WeakMap<ReadonlySet<string>, ReturnType<typeof buildSchema>>();

/** The schema for a catalog's tool names, built once per set of names. */
export function configSchema(toolNames: ReadonlySet<string>) {
  let schema = schemas.get(toolNames);
  if (!schema) {
    schema = buildSchema(toolNames);
    schemas.set(toolNames, schema);
  }
  return schema;
}

function buildSchema(toolNames: ReadonlySet<string>) {
  const toolName = z.string().refine((value) => toolNames.has(value), {
    error: (issue) => `"${String(issue.input)}" is not a hubgate tool (hubgate tools lists them)`,
  });
  const agent = agentSchema(toolName);
  return z
    .strictObject({
      hub: z
        .strictObject({
          url: z.url({ error: 'must be a URL such as https://hub.docker.com' }).optional(),
        })
        .optional(),
      credentials: z.record(name, credential).default({}),
      agents: z.record(name, agent).refine((agents) => Object.keys(agents).length > 0, {
        error: 'must define at least one agent',
      }),
      default_agent: name.optional(),
      audit: z.strictObject({ file: z.string().min(1, 'must not be empty').optional() }).optional(),
      oauth: oauthSchema.optional(),
      approvals: approvalsSchema.optional(),
    })
    .superRefine((config, context) => {
      const seenKeys = new Map<string, string>();
      for (const [agentName, agentConfig] of Object.entries(config.agents)) {
        const at = (...rest: (string | number)[]) => ['agents', agentName, ...rest];
        const reference = (field: 'credential' | 'scim_credential', wanted: 'hub' | 'scim') => {
          const value = agentConfig[field];
          if (value === undefined) return;
          const target = Object.hasOwn(config.credentials, value)
            ? config.credentials[value]
            : undefined;
          if (!target) {
            context.addIssue({
              code: 'custom',
              path: at(field),
              message: `no credential named "${value}" under credentials`,
            });
          } else if ((target.scim_token !== undefined) !== (wanted === 'scim')) {
            context.addIssue({
              code: 'custom',
              path: at(field),
              message: `credential "${value}" is ${wanted === 'scim' ? 'not a SCIM credential (scim_token + org)' : 'a SCIM credential; use scim_credential for it'}`,
            });
          }
        };
        reference('credential', 'hub');
        reference('scim_credential', 'scim');
        agentConfig.keys.forEach((key, index) => {
          const owner = seenKeys.get(key);
          if (owner) {
            context.addIssue({
              code: 'custom',
              path: at('keys', index),
              message: `the same key is already agent "${owner}"'s`,
            });
          }
          seenKeys.set(key, agentName);
        });
      }
      // An agent that held an operator's key could approve its own calls.
      config.approvals?.operators.forEach((operator, index) => {
        const owner = seenKeys.get(operator.key);
        if (owner) {
          context.addIssue({
            code: 'custom',
            path: ['approvals', 'operators', index, 'key'],
            message: `is also agent "${owner}"'s key: an operator's key must be its own`,
          });
        }
      });
      config.oauth?.agents.forEach((rule, index) => {
        if (!Object.hasOwn(config.agents, rule.agent)) {
          context.addIssue({
            code: 'custom',
            path: ['oauth', 'agents', index, 'agent'],
            message: `no agent named "${rule.agent}" under agents`,
          });
        }
      });
      if (
        config.default_agent !== undefined &&
        !Object.hasOwn(config.agents, config.default_agent)
      ) {
        context.addIssue({
          code: 'custom',
          path: ['default_agent'],
          message: `no agent named "${config.default_agent}" under agents`,
        });
      }
    });
}

export type ConfigFile = z.infer<ReturnType<typeof buildSchema>>;
