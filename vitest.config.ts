import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/: unit and spawned-binary e2e tests; src/**: each command's in-process tests, next to its code
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // the CA the in-process sandboxes sign with, trusted by the workers from their start
    globalSetup: ['./test/support/inproc-setup.ts'],
    // core/ reads the package's presets and templates through the catalog source the first installs; the second
    // stops the in-process sandboxes a file started, when the file ends
    setupFiles: ['test/support/catalog-setup.ts', './test/support/inproc-file-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', './test/support/summary-reporter.ts'] : ['default'],
  },
});
