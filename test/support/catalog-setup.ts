// vitest setup: install the package's file catalog as core's catalog source (src/core/catalog-source.ts), as
// main.ts does for the CLI, so tests that call core/ or start the sandbox in-process find the presets.
import '../../src/catalog/files.js';
