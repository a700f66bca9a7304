// core/yaml-emit.ts must write exactly the bytes of YAML.stringify (YAML 1.1, lineWidth 0) or step aside
// (null): it covers every golden render without stepping aside, and on tricky or generated values it is
// either byte-identical to the library or null.
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { canonical, deployInputFromFlags, renderInference, renderTuning, tuneInputFromFlags } from '../../../src/core/render/index.js';
import type { KubeObject } from '../../../src/core/render/types.js';
import { emitYAML } from '../../../src/core/yaml-emit.js';
import { goldenCases } from './golden-cases.js';
import { ctxFor } from './render-helpers.js';

const OPTS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' } as const;
const lib = (v: unknown) => YAML.stringify(v, OPTS);

function sameOrNull(v: unknown): void {
  const ours = emitYAML(v);
  if (ours !== null) expect(ours).toBe(lib(v));
}

describe('yaml-emit', () => {
  it('writes every golden render itself, byte for byte as the library', () => {
    let docs = 0;
    for (const c of goldenCases()) {
      let objects: KubeObject[];
      if (c.kind === 'tune') {
        const { input } = tuneInputFromFlags(c.flags, {}, ctxFor(c));
        objects = renderTuning(input);
        if (input.tuningConfig.kind === 'rendered') {
          const cfg = input.tuningConfig.config;
          expect(emitYAML(cfg), `${c.name}: training config`).toBe(lib(cfg));
        }
      } else objects = renderInference(deployInputFromFlags(c.flags, {}, ctxFor(c)).input);
      for (const o of objects) {
        const doc = canonical(o);
        expect(emitYAML(doc), `${c.name}: ${o.kind}`).toBe(lib(doc));
        docs++;
      }
    }
    expect(docs).toBeGreaterThanOrEqual(goldenCases().length);
  });

  it('quotes YAML 1.1 booleans and nulls, and steps aside for what it cannot prove', () => {
    const words = ['no', 'No', 'NO', 'nO', 'y', 'Y', 'n', 'yes', 'on', 'Off', 'true', 'False', 'null', 'Null', '~', '', 'none', 'nope', 'onion'];
    for (const w of words) sameOrNull({ k: w, [w || 'e']: 1, list: [w] });
    expect(emitYAML({ save_strategy: 'no' })).toBe('save_strategy: "no"\n');
    const tricky = ['1', '0.7', '1.2.3', '10', '007', '1.', '.5', '1..2', '0x1f', '1:20', '2024-01-01', '.inf', '-1', '+1', '1e3', '0.5', 'a: b', 'a #b', 'trailing ', ' lead', 'x:', '- x', '[a]', '{a}', 'a,b', "it's", 'say "hi"', 'tab\there', 'é', 'a\\b', '<<', '=', '@x', '*x', '&x', '!x', '%x', '`x', '|x', '>x', '?x', 'http://h/p?q=1&r=2', 'a  b'];
    for (const s of tricky) sameOrNull({ s, [s]: s, l: [s, { s }] });
    for (const n of [0, -0, 1, -3, 0.0002, 1e-7, 1e21, 2.5e-5, 123456789012, NaN, Infinity, -Infinity]) sameOrNull({ n, l: [n] });
    for (const v of [null, true, false, [], {}, [[1]], [{}], [{ a: 1, b: [1, 2], c: { d: 'e' } }], { a: { b: { c: [] } } }]) sameOrNull({ v });
    const blocks = ['a\nb\n', 'a\nb', 'a\n\nb\n', ' a\nb\n', 'a \nb\n', 'a\n  b\n', 'a\nb\n\n', '\n', 'x: 1\ny:\n  - z\n'];
    for (const b of blocks) sameOrNull({ data: { 'f.yaml': b } });
    expect(emitYAML([1, 2])).toBeNull();
    expect(emitYAML('x')).toBeNull();
    expect(emitYAML({ d: new Date(0) })).toBeNull();
  });

  it('generated documents: byte-identical or null', () => {
    // deterministic PRNG so a failure reproduces
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = <T,>(a: T[]) => a[Math.floor(rnd() * a.length)];
    const alphabet = ['a', 'Z', '0', '9', '.', '-', '_', '/', ':', ' ', '#', '"', "'", '\n', 'é', '=', '@', '+', 'no', 'on', 'y', 'true', 'null'];
    const str = () => Array.from({ length: Math.floor(rnd() * 6) }, () => pick(alphabet)).join('');
    const value = (depth: number): unknown => {
      const r = rnd();
      if (depth > 3 || r < 0.45) return pick<unknown>([str(), str(), Math.floor(rnd() * 100), rnd(), true, false, null]);
      if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [str(), value(depth + 1)]));
    };
    let emitted = 0;
    for (let i = 0; i < 3000; i++) {
      const doc = Object.fromEntries(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => [str(), value(0)]));
      const ours = emitYAML(doc);
      if (ours !== null) {
        expect(ours, JSON.stringify(doc)).toBe(lib(doc));
        emitted++;
      }
    }
    // the comparison must not be vacuous
    expect(emitted).toBeGreaterThan(100);
  });
});
