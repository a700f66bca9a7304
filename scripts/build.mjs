// Bundles src/ into dist/ with esbuild: ESM, code-split so each command's heavy SDKs load only when that
// command runs. Every runtime dependency is bundled (including undici 7, which client-node 2.x would
// otherwise resolve to undici 8 and crash on Node 20), so the packed tarball needs no install-time resolution.
import { build } from 'esbuild';
import { rmSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  define: { __KAITO_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies inside an ESM bundle need require/__dirname.
  banner: {
    js: "import { createRequire as __kaitoCreateRequire } from 'node:module'; import { fileURLToPath as __kaitoFileURLToPath } from 'node:url'; import { dirname as __kaitoDirname } from 'node:path'; const require = __kaitoCreateRequire(import.meta.url); const __filename = __kaitoFileURLToPath(import.meta.url); const __dirname = __kaitoDirname(__filename);",
  },
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
});
