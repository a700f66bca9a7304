// Golden files: rendered bytes per case. Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/unit/core/golden.test.ts`
// and review the diff like code.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderedProblems } from '../../../src/core/render/index.js';
import type { KubeObject } from '../../../src/core/render/types.js';
import { goldenCases } from './golden-cases.js';
import { renderCase } from './render-helpers.js';

const dir = fileURLToPath(new URL('../../golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden manifests', () => {
  for (const c of goldenCases()) {
    it(c.name, () => {
      const { yaml } = renderCase(c);
      const file = join(dir, `${c.name}.yaml`);
      if (update) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, yaml);
      }
      expect(existsSync(file), `missing ${file}: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(yaml).toBe(readFileSync(file, 'utf8'));
      // every golden document is also schema-clean and admissible
      const docs = YAML.parseAllDocuments(yaml).map((d) => d.toJS() as KubeObject);
      expect(renderedProblems(docs, c.mode ?? 'nap')).toEqual([]);
    });
  }
});
