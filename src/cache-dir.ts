// The user's cache folder for kaito (discovery answers, prices): KAITO_CACHE_DIR, else the platform's
// cache location (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on
// Windows) with a `kaito` folder in it. Everything in it can be deleted at any time.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.KAITO_CACHE_DIR) return env.KAITO_CACHE_DIR;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'kaito', 'cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'kaito');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'kaito');
}
