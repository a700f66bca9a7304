// --fault image-pull=PATTERN and gpu-load=PCT parsing, and which images a pattern refuses (with containerd's 401 text).
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../../src/sandbox/context.js';
import { normalizeImage, pullRefusal } from '../../../../src/sandbox/controller/image-pull.js';

describe('image-pull fault', () => {
  it('image-pull alone keeps its meaning; image-pull=PATTERN is repeatable; an empty pattern is refused', () => {
    expect(parseFaults(['image-pull'])).toMatchObject({ imagePull: true });
    expect(parseFaults(['image-pull=curlimages/*', 'image-pull=ghcr.io/*']).imagePullPatterns).toEqual(['curlimages/*', 'ghcr.io/*']);
    expect(() => parseFaults(['image-pull='])).toThrow(/needs a pattern/);
    expect(parseFaults(['gpu-load=12']).gpuLoad).toBe(12);
    expect(() => parseFaults(['gpu-load=120'])).toThrow(/gpu-load takes a number from 0 to 100/);
  });

  it('normalizes references as containerd does', () => {
    expect(normalizeImage('curlimages/curl')).toBe('docker.io/curlimages/curl:latest');
    expect(normalizeImage('busybox')).toBe('docker.io/library/busybox:latest');
    expect(normalizeImage('ghcr.io/oras-project/oras:v1.2.2')).toBe('ghcr.io/oras-project/oras:v1.2.2');
    expect(normalizeImage('localhost:5000/x')).toBe('localhost:5000/x:latest');
  });

  it('matches a glob against the reference as written or normalized, a plain pattern as a substring', () => {
    expect(pullRefusal(['docker.io/*'], 'curlimages/curl')).toMatch(/^Failed to pull image "curlimages\/curl": .*auth\.docker\.io\/token\?scope=repository%3Acurlimages%2Fcurl%3Apull.*: 401 Unauthorized$/);
    expect(pullRefusal(['oras'], 'ghcr.io/oras-project/oras:v1.2.2')).toMatch(/GET request to https:\/\/ghcr\.io\/oauth2\/token\?scope=repository%3Aoras-project%2Foras%3Apull&service=ghcr\.io: 401 Unauthorized$/);
    expect(pullRefusal(['ghcr.io/*'], 'mcr.microsoft.com/aks/skopeo:1.14.4-6')).toBeUndefined();
    expect(pullRefusal(undefined, 'curlimages/curl')).toBeUndefined();
  });
});
