// Issue 17 item 3: the proxy a URL goes through, read from the environment like curl/kubectl (pure).
import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../../src/net/proxy-env.js';

describe('proxyFor', () => {
  it('picks the variable by scheme, lower case first, and adds http:// to a bare host:port', () => {
    expect(proxyFor('https://api.example.com', { HTTPS_PROXY: 'http://p:3128' })).toBe('http://p:3128');
    expect(proxyFor('https://api.example.com', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' })).toBe('http://lower:2');
    expect(proxyFor('http://api.example.com', { HTTPS_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(proxyFor('http://api.example.com', { HTTP_PROXY: 'p:3128' })).toBe('http://p:3128');
    expect(proxyFor('https://api.example.com', {})).toBeUndefined();
  });
  it('NO_PROXY: *, domains and subdomains, leading dots, IPs, CIDR, ports', () => {
    const env = (no: string) => ({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: no });
    expect(proxyFor('https://a.b.example.com', env('example.com'))).toBeUndefined();
    expect(proxyFor('https://example.com', env('.example.com'))).toBeUndefined();
    expect(proxyFor('https://notexample.com', env('example.com'))).toBe('http://p:3128');
    expect(proxyFor('https://x', env('*'))).toBeUndefined();
    expect(proxyFor('https://10.1.2.3:6443', env('10.0.0.0/8'))).toBeUndefined();
    expect(proxyFor('https://11.1.2.3:6443', env('10.0.0.0/8'))).toBe('http://p:3128');
    expect(proxyFor('https://h.internal:6443', env('h.internal:443'))).toBe('http://p:3128');
    expect(proxyFor('https://h.internal:6443', env('h.internal:6443'))).toBeUndefined();
    expect(proxyFor('https://127.0.0.1:7443', env('localhost, 127.0.0.1'))).toBeUndefined();
    expect(proxyFor('https://[::1]:7443', env('::1'))).toBeUndefined();
    expect(proxyFor('https://h', { HTTPS_PROXY: 'http://p:1', no_proxy: 'h' })).toBeUndefined();
  });
});
