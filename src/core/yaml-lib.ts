// The yaml library, loaded only by the code paths that really parse or print YAML: loading and
// evaluating it costs a cold `kaito render tune` a large part of its start-up (bench/README.md "Startup").
// Async paths call loadYaml() first (the command harness does it when kaito.yaml exists or -o yaml is
// asked for; render does it for user-supplied files); sync code calls yamlLib(), which uses what was loaded.
// A sync caller that nobody preloaded for (a development tree whose presets/ no longer match the build's
// snapshot, unit tests that call a parser directly) gets the library from node_modules synchronously.
import type * as Yaml from 'yaml';

export type YamlLib = typeof Yaml;

let lib: YamlLib | undefined;

/** The library was needed on a synchronous path that nobody loaded it for (see withYamlLib). */
export class YamlNotLoadedError extends Error {}

export async function loadYaml(): Promise<YamlLib> {
  if (!lib) {
    // the bundle exposes a CommonJS package as the default export only; node's own loader gives both
    const m = (await import('yaml')) as YamlLib & { default?: YamlLib };
    lib = m.default ?? m;
  }
  return lib;
}

export function yamlLib(): YamlLib {
  if (lib) return lib;
  try {
    // node:module only on this rare path; a require the bundler cannot see, so no chunk holds the library twice
    const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
    lib = createRequire(import.meta.url)('yaml') as YamlLib;
  } catch {
    throw new YamlNotLoadedError('internal: the YAML library was needed but not loaded (call loadYaml() on the async path first)');
  }
  return lib;
}

/**
 * Runs a pure, synchronous step that may need the library (a user's file to parse, a value the small
 * emitter leaves to the library); if it did and the library was not loaded yet, loads it and runs the
 * step again. Only for steps without side effects: they may run twice.
 */
export async function withYamlLib<T>(step: () => T): Promise<T> {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof YamlNotLoadedError)) throw e;
    await loadYaml();
    return step();
  }
}
