// Finds the package's data folders (presets/, templates/, datasets/) from wherever the running chunk lives:
// src/ under tests, dist/ or dist/chunks/ when built, or a global npm install.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'kaito-cli') return (root = dir);
      } catch {
        /* keep walking */
      }
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the kaito package root (presets/ and templates/ live there)');
}

export const presetsDir = () => join(packageRoot(), 'presets');
export const templatesDir = () => join(packageRoot(), 'templates');
export const datasetsDir = () => join(packageRoot(), 'datasets');

/** The user's cache directory for kaito (issue 14: Azure prices): KAITO_CACHE_DIR, else $XDG_CACHE_HOME/kaito, else
 *  the platform's cache folder (~/.cache, ~/Library/Caches, %LOCALAPPDATA%). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAITO_CACHE_DIR) return env.KAITO_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'kaito');
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'kaito');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'kaito', 'cache');
  return join(home, '.cache', 'kaito');
}
