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

export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: (string | number)[] = [],
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
      return replacement;
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => interpolate(item, env, problems, [...path, index]));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolate(item, env, problems, [...path, key]),
      ]),
    );
  }
  return value;
}
