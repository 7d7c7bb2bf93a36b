import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Servers bind loopback ports and child processes are spawned: keep runs bounded and ordered.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
