// vitest setupFiles: runs in every test file (also when workers are reused across files, isolate: false),
// so the sandboxes test/support/inproc.ts started for a file are stopped when that file ends.
import { afterAll } from 'vitest';
import { stopAll } from './inproc-cleanup.js';

afterAll(stopAll);
