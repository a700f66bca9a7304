// `npm run test:fast`: the unit tests and every command's in-process tests (src/**/*.test.ts), no spawned binary
// (except the demo test's one child, which runs the built bin: `npm run build` first after changing src).
// Workers are reused across files (isolate: false): the CLI and the sandbox are imported once per worker, not once
// per file. The full suite (`npm test`, vitest.config.ts) runs these too, isolated, plus the e2e tests.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({ ...base, test: { ...base.test, include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'], isolate: false } });
