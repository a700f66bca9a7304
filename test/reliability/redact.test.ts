// Found by the campaign (reset fault): "apply secret/NAME-hf-token: terminated" was printed as
// "apply secret/NAME-hf-token: [REDACTED]", hiding the reason. Object names are not secrets; keys still are.
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/ui/redact.js';

describe('redact() patterns', () => {
  it('keeps the reason after an object name ending in -token', () => {
    expect(redact('apply secret/dw-1-hf-token: terminated')).toBe('apply secret/dw-1-hf-token: terminated');
  });
  it('keeps ordinary words in prose after "token:" (issue 17 item 8)', () => {
    expect(redact('could not get a token: the connection to Entra ID was refused')).toBe('could not get a token: the connection to Entra ID was refused');
    expect(redact('password: incorrect')).toBe('password: incorrect');
  });
  it.each([
    ['token: abcdef123', 'token: [REDACTED]'],
    ['token: eyJhbGciOiJSUzI1NiJ9', 'token: [REDACTED]'],
    ['password=hunter', 'password=[REDACTED]'],
    ['"password": "hunter"', '"password": "[REDACTED]"'],
    ['{"token":"abcdef123"}', '{"token":"[REDACTED]"}'],
    ['HF_TOKEN=hf_abcdef', 'HF_TOKEN=[REDACTED]'],
    ['x-api-key: k-123456', 'x-api-key: [REDACTED]'],
    ['Authorization: Bearer abc.def', 'Authorization: Bearer [REDACTED]'],
    ['access_token=zzz', 'access_token=[REDACTED]'],
  ])('still hides %s', (input, out) => {
    expect(redact(input)).toBe(out);
  });
});
