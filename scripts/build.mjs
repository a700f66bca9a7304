// Bundles src/ into dist/ with esbuild: ESM, code-split so each command's heavy SDKs load only when that
// command runs. Every runtime dependency is bundled (including undici 7, which client-node 2.x would
// otherwise resolve to undici 8 and crash on Node 20), so the packed tarball needs no install-time
// resolution. The build goes to a temporary folder and is moved in chunk-first, main.js last, so a
// kaito process started during a rebuild never sees a half-written file. `--clean` empties dist/ first.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const tmp = join(root, `.dist-tmp-${process.pid}`);
if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });
rmSync(tmp, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'src/main.ts') },
  outdir: tmp,
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
mkdirSync(join(dist, 'chunks'), { recursive: true });
for (const f of readdirSync(join(tmp, 'chunks'))) renameSync(join(tmp, 'chunks', f), join(dist, 'chunks', f));
renameSync(join(tmp, 'main.js.map'), join(dist, 'main.js.map'));
renameSync(join(tmp, 'main.js'), join(dist, 'main.js'));
rmSync(tmp, { recursive: true, force: true });
