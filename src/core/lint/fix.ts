// `kaito lint --fix`: only mechanical rewrites that cannot change what the user meant:
//   apiVersion kaito.sh/v1alpha1 -> kaito.sh/v1beta1 (same schema, v1beta1 is the stored version; KAITO.md §1)
//   tuning.method LoRA/QLORA/... -> lora/qlora (the CRD enum and the controller compare exactly; KAITO.md §2 Tuning)
//   annotation kaito.sh/enablelb true/TRUE -> True (v0.12 workspace_controller.go compares with "True" exactly)
// It never picks a SKU or a preset (lint only suggests them). The yaml library's document API finds the scalars;
// only their bytes are replaced in the original text, so comments, quotes and layout stay as they were.
import type { Scalar } from 'yaml';
import { yamlLib } from '../yaml-lib.js';
import type { SourceFile } from './index.js';

export interface FixEdit {
  line: number;
  before: string;
  after: string;
  what: string;
}

export interface FileFix {
  file: string;
  text: string;
  fixed: string;
  edits: FixEdit[];
}

interface Splice { start: number; end: number; value: string; what: string }

export function planFixes(files: SourceFile[]): FileFix[] {
  const { parseAllDocuments, isScalar } = yamlLib();
  const out: FileFix[] = [];
  for (const f of files) {
    const docs = parseAllDocuments(f.text);
    const list = Array.isArray(docs) ? docs : [docs];
    const splices: Splice[] = [];
    for (const doc of list) {
      if (doc.errors.length) continue;
      const kind = doc.get('kind');
      const api = doc.get('apiVersion', true);
      if (kind !== 'Workspace' || !isScalar(api) || typeof api.value !== 'string' || !api.value.startsWith('kaito.sh/')) continue;
      if (api.value === 'kaito.sh/v1alpha1') splices.push(splice(f.text, api, 'kaito.sh/v1beta1', 'apiVersion kaito.sh/v1alpha1 -> kaito.sh/v1beta1'));
      const lb = doc.getIn(['metadata', 'annotations', 'kaito.sh/enablelb'], true);
      if (isScalar(lb) && typeof lb.value === 'string' && lb.value !== 'True' && lb.value.toLowerCase() === 'true') splices.push(splice(f.text, lb, 'True', `kaito.sh/enablelb ${lb.value} -> True`));
      const method = doc.getIn(['tuning', 'method'], true);
      if (isScalar(method) && typeof method.value === 'string') {
        const lower = method.value.toLowerCase();
        if (lower !== method.value && (lower === 'lora' || lower === 'qlora')) splices.push(splice(f.text, method, lower, `tuning.method ${method.value} -> ${lower}`));
      }
    }
    if (!splices.length) continue;
    splices.sort((a, b) => b.start - a.start);
    let fixed = f.text;
    for (const s of splices) fixed = fixed.slice(0, s.start) + s.value + fixed.slice(s.end);
    const before = f.text.split('\n');
    const after = fixed.split('\n');
    const edits: FixEdit[] = [];
    // every splice stays on its line, so the line numbers are the same before and after
    for (const s of [...splices].reverse()) {
      const line = f.text.slice(0, s.start).split('\n').length;
      edits.push({ line, before: before[line - 1], after: after[line - 1], what: s.what });
    }
    out.push({ file: f.file, text: f.text, fixed, edits });
  }
  return out;
}

/** The new scalar written in the style of the old one (plain, 'single' or "double" quoted). */
function splice(text: string, node: Scalar, value: string, what: string): Splice {
  const [start, end] = node.range!;
  const raw = text.slice(start, end);
  const q = raw.startsWith('"') ? '"' : raw.startsWith("'") ? "'" : '';
  return { start, end, value: `${q}${value}${q}`, what };
}

/** A unified diff of the edited lines (each fix changes one line in place). */
export function unifiedDiff(fix: FileFix): string {
  const out = [`--- a/${fix.file}`, `+++ b/${fix.file}`];
  const lines = [...new Set(fix.edits.map((e) => e.line))].sort((a, b) => a - b);
  const before = fix.text.split('\n');
  const after = fix.fixed.split('\n');
  for (const l of lines) {
    out.push(`@@ -${l},1 +${l},1 @@`);
    out.push(`-${before[l - 1]}`);
    out.push(`+${after[l - 1]}`);
  }
  return out.join('\n') + '\n';
}
