// The -o formats each command takes, one table per command folder (help lists them; any other is refused before the
// command loads; the command's run() takes its default from here). One module, not one per def.ts: a def.ts that
// lazily loaded code imports too becomes a chunk of its own, and ~20 tiny chunks at start-up cost every command
// ~10 ms of module loading (issue 16).
import type { OutputFormat } from '../ui/output-format.js';

export const OUTPUT_ADAPTER = {
  pull: ['text', 'json', 'yaml'],
  inspect: ['text', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_CHAT = {
  chat: ['text', 'json'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_DATASET = {
  push: ['text', 'json', 'yaml'],
  validate: ['text', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_DELETE = {
  delete: ['json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_DEMO = {
  demo: ['json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_DEPLOY = {
  deploy: ['yaml', 'json', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_DOCTOR = {
  doctor: ['table', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_GC = {
  gc: ['table', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_INIT = {
  init: ['yaml', 'json'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_LIST = {
  list: ['table', 'wide', 'json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_NODEPOOL = {
  add: ['table', 'json', 'yaml', 'name'],
  list: ['table', 'wide', 'json', 'yaml', 'name'],
  show: ['table', 'json', 'yaml', 'name'],
  delete: ['table', 'json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_PRESETS = {
  list: ['table', 'wide', 'json', 'yaml', 'name'],
  show: ['table', 'json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_RENDER = {
  tune: ['yaml', 'json', 'name'],
  deploy: ['yaml', 'json', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_SANDBOX = {
  status: ['text', 'json', 'yaml'],
  env: ['text', 'json'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_STATUS = {
  status: ['table', 'wide', 'json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_TUNE = {
  tune: ['yaml', 'json', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_VERSION = {
  version: ['text', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export const OUTPUT_WAIT = {
  wait: ['json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;
