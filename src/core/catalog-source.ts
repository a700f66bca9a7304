// Where the package's data files (presets/, templates/ and the build-time snapshot dist/catalog.json) come
// from. core/ never reads files: the program installs a source once (src/catalog/files.ts reads the package
// folders; main.ts and the test setup install it) and the catalog modules (presets.ts, templates.ts,
// snapshot.ts) ask it for text.

export interface CatalogSnapshot {
  format: 1;
  files: Record<string, { text: string; doc: unknown }>;
}

export interface CatalogSource {
  /** the package's own presets/ folder (its files may be served from the snapshot) */
  presetsDir(): string;
  templatesDir(): string;
  /** file names in a folder */
  list(dir: string): string[];
  exists(path: string): boolean;
  /** a file's text; throws like readFileSync when it cannot */
  read(path: string): string;
  /** the parsed build-time snapshot, or null without one */
  snapshot(): CatalogSnapshot | null;
}

let source: CatalogSource | undefined;

export function setCatalogSource(s: CatalogSource): void {
  source = s;
}

export function catalogSource(): CatalogSource {
  if (!source) throw new Error('no catalog source installed (import src/catalog/files.js first): this is a bug in kaito');
  return source;
}
