import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // core/ reads the package's presets and templates through the catalog source this installs
    setupFiles: ['test/support/catalog-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', './test/support/summary-reporter.ts'] : ['default'],
  },
});
