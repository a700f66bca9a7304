// Shared by the benchmarks: the TypeScript sources (the sandbox, test helpers) bundled once with esbuild
// into node_modules/.cache (inside the package, so the bundle finds presets/ and datasets/ by walking up to
// package.json) and imported.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles `entry` (a path under the repo) as `<name>.mjs` and imports it. */
export async function importBundled(entry, name) {
  const outfile = join(root, 'node_modules', '.cache', 'kaito-bench', `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    external: ['bufferutil', 'utf-8-validate'],
  });
  return import(pathToFileURL(outfile).href);
}

/** The sandbox's startSandbox(), from src/sandbox/index.ts. */
export async function loadStartSandbox(name = 'sandbox') {
  return (await importBundled(join(root, 'src/sandbox/index.ts'), name)).startSandbox;
}
