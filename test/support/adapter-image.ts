// Adapter images laid out the way Kaito's pusher makes them (v0.12.0 pkg/workspace/image/pusher.sh: one gzip layer
// "data/" with adapter_config.json and adapter_model.safetensors, config {"rootfs":{"diff_ids":[...]}}, manifest
// annotation sh.kaito.model.name), written as an OCI layout and pushed to a registry by REAL skopeo.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { skopeo } from './registry.js';

export interface TarEntry { name: string; body?: Buffer | string; type?: 'file' | 'directory' | 'symlink' | 'link'; linkname?: string }

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A small valid safetensors file: u64 LE header length, JSON header, tensor bytes. */
export function safetensors(seed = 1): Buffer {
  const data = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) data[i] = (i * 7 + seed) & 0xff;
  const header = Buffer.from(JSON.stringify({ 'base_model.model.layers.0.self_attn.q_proj.lora_A.weight': { dtype: 'F32', shape: [4, 4], data_offsets: [0, 64] }, __metadata__: { format: 'pt' } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, data]);
}

export function adapterConfig(r = 8, alpha = 16, targets = ['q_proj', 'v_proj'], base = 'microsoft/Phi-3-mini-4k-instruct'): string {
  return JSON.stringify({ base_model_name_or_path: base, peft_type: 'LORA', task_type: 'CAUSAL_LM', r, lora_alpha: alpha, lora_dropout: 0.05, target_modules: targets, bias: 'none', inference_mode: true }, null, 2);
}

export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    if (type === 'file') pack.entry({ name: e.name, mode: 0o644 }, Buffer.from(e.body ?? ''));
    else pack.entry({ name: e.name, type, linkname: e.linkname, mode: type === 'directory' ? 0o755 : 0o777 });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function pusherEntries(cfg = adapterConfig(), model = safetensors()): TarEntry[] {
  return [
    { name: 'data/', type: 'directory' },
    { name: 'data/adapter_config.json', body: cfg },
    { name: 'data/adapter_model.safetensors', body: model },
  ];
}

export interface LayoutOptions {
  annotations?: Record<string, string>;
  /** wrap the image in an OCI index (linux/arm64 first, then linux/amd64) */
  index?: boolean;
  /** uncompressed layers (application/vnd.oci.image.layer.v1.tar) */
  plainTar?: boolean;
}

/** Writes an OCI layout holding the image (tag "latest") and returns its folder. */
export function ociLayout(layerTars: Buffer[], opts: LayoutOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-oci-'));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (b: Buffer | string) => {
    const d = sha(b);
    writeFileSync(join(dir, 'blobs', 'sha256', d), b);
    return { digest: `sha256:${d}`, size: Buffer.byteLength(b) };
  };
  const layers = layerTars.map((t) => {
    const blob = opts.plainTar ? t : gzipSync(t, { level: 9 });
    return { mediaType: opts.plainTar ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(blob) };
  });
  const config = put(JSON.stringify({ rootfs: { diff_ids: layerTars.map((t) => `sha256:${sha(t)}`) } }));
  const manifest = (extra: Record<string, string> = {}) =>
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers, annotations: { ...opts.annotations, ...extra } });
  let top: { mediaType: string; digest: string; size: number };
  if (opts.index) {
    const amd = put(manifest());
    const arm = put(manifest({ 'org.example.arch': 'arm64' }));
    const idx = put(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...arm, platform: { os: 'linux', architecture: 'arm64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...amd, platform: { os: 'linux', architecture: 'amd64' } },
    ] }));
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', ...idx };
  } else {
    top = { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...put(manifest()) };
  }
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }));
  return dir;
}

/** skopeo copy oci:LAYOUT:latest docker://REF (plain HTTP loopback registry). */
export function skopeoPush(layout: string, ref: string, extra: string[] = []): void {
  const r = skopeo(['copy', '--dest-tls-verify=false', ...extra, `oci:${layout}:latest`, `docker://${ref}`]);
  if (r.code !== 0) throw new Error(`skopeo copy to ${ref} failed (${r.code}): ${r.stderr}`);
}
