/**
 * The error of a configuration that cannot be used, with every problem found (file, field path,
 * rule). Its own module: the command line reports it without loading the config's schema.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(problems.map((problem) => `${source}: ${problem}`).join('\n'));
  }
}
