// Loads the base manifests from the package's templates/ folder (valid YAML, patched by core/render), through
// the catalog source (core/catalog-source.ts). Cached; callers get a deep copy they may mutate.
import { join } from 'node:path';
import { catalogSource } from './catalog-source.js';
import type { KubeObject } from './render/types.js';
import { snapshotDoc } from './snapshot.js';
import { yamlLib } from './yaml-lib.js';

export type TemplateName = 'workspace-tuning' | 'workspace-inference' | 'configmap';
const cache = new Map<TemplateName, KubeObject>();

export function loadTemplate(name: TemplateName): KubeObject {
  let t = cache.get(name);
  if (!t) {
    const src = catalogSource();
    const text = src.read(join(src.templatesDir(), `${name}.yaml`));
    // the build-time snapshot spares the YAML parse when the file is unchanged (see core/snapshot.ts)
    t = (snapshotDoc(`templates/${name}.yaml`, text)?.doc ?? yamlLib().parse(text)) as KubeObject;
    cache.set(name, t);
  }
  return structuredClone(t);
}
