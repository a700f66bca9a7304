import { describe, expect, it } from 'vitest';
import { chooseModel, classifyModels } from '../../../src/inference/models.js';

const base = { id: 'phi-4-mini-instruct', parent: null };
const a1 = { id: 'ops-tune', parent: 'phi-4-mini-instruct' };
const a2 = { id: 'other', parent: 'phi-4-mini-instruct' };

describe('model selection', () => {
  it('picks the adapter when exactly one is loaded', () => {
    expect(chooseModel([base, a1], undefined).model).toBe('ops-tune');
  });
  it('picks the base model with no adapter or several', () => {
    expect(chooseModel([base], undefined).model).toBe('phi-4-mini-instruct');
    expect(chooseModel([base, a1, a2], undefined).model).toBe('phi-4-mini-instruct');
  });
  it('recognises adapters by the workspace adapter names when the server gives no parent', () => {
    expect(classifyModels([{ id: 'b' }, { id: 'x' }], ['x'])).toEqual({ base: ['b'], adapters: ['x'] });
    expect(chooseModel([{ id: 'b' }, { id: 'x' }], undefined, ['x']).model).toBe('x');
  });
  it('takes --model when it is served, and refuses it naming the served ones otherwise', () => {
    expect(chooseModel([base, a1], 'phi-4-mini-instruct').model).toBe('phi-4-mini-instruct');
    expect(() => chooseModel([base, a1], 'nope')).toThrow(/model "nope" is not served/);
  });
  it('refuses an empty model list', () => {
    expect(() => chooseModel([], undefined)).toThrow(/serves no model/);
  });
});
