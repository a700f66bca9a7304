// Small edits to an existing kaito.yaml that keep the user's comments and layout, e.g. `kaito deploy`
// recording the current workspace. A file that does not exist is not created: that is `kaito init`'s job.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import YAML from 'yaml';
import { parseProjectConfig, type ProjectConfig } from './project.js';

/** [['workspace'], 'ws1'] sets a key; a value of undefined removes it. */
export type ProjectEdit = [path: string[], value: string | string[] | Record<string, string> | undefined];

/** Applies the edits; returns the new config, or undefined when the file does not exist. */
export function updateProjectFile(path: string, edits: ProjectEdit[]): ProjectConfig | undefined {
  if (!existsSync(path)) return undefined;
  const doc = YAML.parseDocument(readFileSync(path, 'utf8'));
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  for (const [keys, value] of edits) {
    if (value === undefined) doc.deleteIn(keys);
    else doc.setIn(keys, value);
  }
  const text = doc.toString({ lineWidth: 0 });
  // the edit must leave a file every command still loads (and the schema still forbids secrets)
  const config = parseProjectConfig(text, path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
  return config;
}
