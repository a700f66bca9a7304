import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../../src/commands/proxy/proxy.js';
import { paramsFromFlags } from '../../../src/inference/params.js';
import { normalizeEndpoint } from '../../../src/inference/transport.js';

describe('sampling flags', () => {
  it('parses valid values', () => {
    expect(paramsFromFlags({ temperature: '0', maxTokens: '128', topP: '1' })).toEqual({ temperature: 0, max_tokens: 128, top_p: 1 });
  });
  it('reports every invalid flag together', () => {
    try {
      paramsFromFlags({ temperature: '3', maxTokens: '1.5', topP: '0' });
      expect.unreachable();
    } catch (e) {
      expect((e as { problems: string[] }).problems).toHaveLength(3);
    }
  });
});

describe('endpoints and hosts', () => {
  it('normalises --endpoint (trailing slash and /v1 dropped)', () => {
    expect(normalizeEndpoint('http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000');
    expect(normalizeEndpoint('https://x.example/v1')).toBe('https://x.example');
    expect(() => normalizeEndpoint('ftp://x')).toThrow(/not an http/);
  });
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::'].some(isLoopback)).toBe(false);
  });
});
