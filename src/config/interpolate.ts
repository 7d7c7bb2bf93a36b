/**
 * `${VAR}` in any string value of the config is replaced from the environment, so secrets stay out
 * of the file. `$${` writes a literal `${`. A variable that is not set is an error naming it and
 * the field; its value never appears in any message.
 */

export interface InterpolationProblem {
  path: (string | number)[];
  message: string;
  /** An unset variable: an error when serving; for commands that never call the Hub, a warning. */
  unset?: true;
}

const VARIABLE = /\$(\$?)\{([^}]*)\}/g;
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Each value put in from the environment, with its variable: error messages never quote it. */
export type Substitutions = Map<string, string>;

export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: (string | number)[] = [],
  substituted: Substitutions = new Map(),
): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (match, escaped: string, name: string) => {
      if (escaped) return match.slice(1);
      if (!VALID_NAME.test(name)) {
        problems.push({ path, message: `"\${${name}}" is not a valid variable name` });
        return match;
      }
      const replacement = env[name];
      if (replacement === undefined) {
        problems.push({ path, message: `environment variable ${name} is not set`, unset: true });
        // Left as written: a command that goes on without it (check, explain) sees `${NAME}`.
        return match;
      }
      if (replacement !== '') substituted.set(replacement, name);
      return replacement;
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      interpolate(item, env, problems, [...path, index], substituted),
    );
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolate(item, env, problems, [...path, key], substituted),
      ]),
    );
  }
  return value;
}

/**
 * A message with every substituted value replaced by the variable it came from: a `${TOKEN}`
 * put where a name belongs must not print the token in "no agent named ...".
 */
const MIN_BARE_VALUE = 6;

export function withoutSubstitutions(message: string, substituted: Substitutions): string {
  let text = message;
  // Longest first, so that a value inside another is not replaced half.
  const values = [...substituted.keys()].sort((a, b) => b.length - a.length);
  for (const value of values) {
    const variable = `\${${substituted.get(value)}}`;
    // A short value ("1", "ci") may be part of hubgate's own words: replace it where quoted.
    text =
      value.length >= MIN_BARE_VALUE
        ? text.split(value).join(variable)
        : text.split(JSON.stringify(value)).join(JSON.stringify(variable));
  }
  return text;
}
