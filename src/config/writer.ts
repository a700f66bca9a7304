// Writes kaito.yaml: commented, keys in schema order, the same bytes for the same config, so the file
// diffs cleanly in review and round-trips through parseProjectConfig.
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import YAML from 'yaml';
import { PROJECT_SCHEMA, type ProjectConfig, type SectionName } from './project.js';

const HEADER = [
  '# kaito.yaml: the project file of the kaito CLI (written by `kaito init`, read by every command).',
  '# Precedence: command-line flag > environment variable > this file > built-in default.',
  '# It never holds secrets: registry passwords and Hugging Face tokens are passed on stdin, and Secrets',
  '# are referenced by name. Reference: docs/kaito-yaml.md.',
];

const SECTION_COMMENTS: Record<SectionName | 'workspace', string[]> = {
  cluster: [
    '# Where commands run: the AKS cluster in Azure Resource Manager (node pools, quota) and the kube',
    '# context + namespace (workspaces). Flags: --subscription --resource-group --cluster --context -n.',
  ],
  tune: ['# Defaults for `kaito tune` and `kaito render tune` (each key is the flag of the same name).'],
  deploy: ['# Defaults for `kaito deploy` and `kaito render deploy`.'],
  workspace: ['# The workspace that wait, status, logs, chat and proxy use when none is named.'],
};

/** The kaito.yaml text for a config. Empty sections and unset keys are left out. */
export function renderProjectConfig(config: ProjectConfig): string {
  const blocks: string[] = [HEADER.join('\n')];
  for (const key of Object.keys(PROJECT_SCHEMA) as Array<keyof typeof PROJECT_SCHEMA>) {
    const value = config[key];
    if (value === undefined || value === null || value === '') continue;
    if (key === 'workspace') {
      blocks.push([...SECTION_COMMENTS.workspace, stringify({ workspace: value })].join('\n'));
      continue;
    }
    const ordered = orderSection(key, value as Record<string, unknown>);
    if (Object.keys(ordered).length === 0) continue;
    blocks.push([...SECTION_COMMENTS[key], stringify({ [key]: ordered })].join('\n'));
  }
  return blocks.join('\n\n') + '\n';
}

function orderSection(section: SectionName, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(PROJECT_SCHEMA[section])) {
    const v = value[k];
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (entries.length === 0) continue;
      out[k] = Object.fromEntries(entries.map(([ek, ev]) => [ek, String(ev)]));
      continue;
    }
    out[k] = v;
  }
  return out;
}

function stringify(doc: unknown): string {
  // lineWidth 0: never fold long URLs; strings that YAML would read as numbers/booleans get quoted
  return YAML.stringify(doc, { lineWidth: 0, indentSeq: true, defaultStringType: 'PLAIN', aliasDuplicateObjects: false }).trimEnd();
}

/**
 * Writes the file atomically (a temporary file in the same folder, then a rename), mode 0644: it is meant
 * to be committed, and a half-written kaito.yaml would break every command.
 */
export function writeProjectConfig(path: string, config: ProjectConfig): string {
  const text = renderProjectConfig(config);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
  return text;
}
