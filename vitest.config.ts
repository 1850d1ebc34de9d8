import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end tests each start servers and move real bytes.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
