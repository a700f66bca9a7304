// issue 13: what the emulated tuning pod's puller and pusher do with the sandbox registry (compat G2, compat G3).
// Puller (v0.12.0 pkg/workspace/image/puller.sh): skopeo copy of input.image, every layer untarred in order, the
// image's /data moved onto the data volume; the trainer then takes the first file whose name contains csv, json,
// parquet, arrow or webdataset (KAITO.md section 5). Pusher (v0.12.0 pkg/workspace/image/pusher.sh,
// pkg/workspace/tuning/preset_tuning.go): one gzip layer "data/" with adapter_config.json and
// adapter_model.safetensors, config {"rootfs":{"diff_ids":[...]}}, manifest annotation sh.kaito.model.name=<preset>.
// LoraConfig defaults are the chart's lora-params/qlora-params templates (v0.12.0 charts/kaito/workspace/templates).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import YAML from 'yaml';
import type { SandboxContext } from '../context.js';
import { sandboxRef } from '../registry.js';
import { CM_RES } from './objects.js';

export interface LoraSettings { r: number; alpha: number; dropout: number; targetModules?: string[] }

export function loraSettings(ctx: SandboxContext, namespace: string, configMap?: string): LoraSettings {
  const s: LoraSettings = { r: 8, alpha: 8, dropout: 0 };
  if (!configMap) return s;
  const cm = ctx.store.get(CM_RES, namespace, configMap) as { data?: Record<string, string> } | undefined;
  const text = cm?.data?.['training_config.yaml'];
  if (!text) return s;
  try {
    const lc = (YAML.parse(text) as { training_config?: { LoraConfig?: Record<string, unknown> } })?.training_config?.LoraConfig ?? {};
    if (typeof lc.r === 'number') s.r = lc.r;
    if (typeof lc.lora_alpha === 'number') s.alpha = lc.lora_alpha;
    if (typeof lc.lora_dropout === 'number') s.dropout = lc.lora_dropout;
    if (Array.isArray(lc.target_modules)) s.targetModules = lc.target_modules.map(String);
  } catch {
    // an unreadable config is the webhook's business; the run uses the template's values
  }
  return s;
}

const DATA_WORDS = ['csv', 'json', 'parquet', 'arrow', 'webdataset'];

/** The puller: the image's /data files, and the one the trainer would pick; an error line like skopeo's otherwise. */
export async function pullDataImage(ctx: SandboxContext, image: string): Promise<{ fileName: string; body: Buffer } | { error: string } | undefined> {
  if (!ctx.ociRegistry || !sandboxRef(image)) return undefined;
  const got = await ctx.ociRegistry.readImage(image);
  if ('error' in got) return { error: `time="..." level=fatal msg="Error initializing source docker://${image}: reading manifest: ${got.error}"` };
  const names = [...got.files.keys()].sort();
  const pick = names.find((n) => DATA_WORDS.some((w) => n.toLowerCase().includes(w)));
  if (!pick) return { error: `no dataset file under /data in ${image} (found: ${names.join(', ') || 'nothing'})` };
  return { fileName: pick, body: got.files.get(pick)! };
}

async function tarOf(files: Array<[string, Buffer]>): Promise<Buffer> {
  const tar = (await import('tar-stream')).default;
  const pack = tar.pack();
  const out: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => void out.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  pack.entry({ name: 'data/', type: 'directory', mode: 0o755 });
  for (const [name, body] of files) pack.entry({ name: `data/${name}`, mode: 0o644 }, body);
  pack.finalize();
  await done;
  return Buffer.concat(out);
}

/** A small valid safetensors file (u64 LE header length, JSON header, tensor bytes) seeded by the run. */
function safetensors(seed: string, r: number): Buffer {
  const data = createHash('sha256').update(seed).digest();
  const header = Buffer.from(JSON.stringify({ __metadata__: { format: 'pt', emulated: 'kaito sandbox' }, 'base_model.model.layers.0.self_attn.q_proj.lora_A.weight': { dtype: 'F32', shape: [1, 8], data_offsets: [0, 32] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, data, Buffer.alloc(0, r)]);
}

/** The pusher: stores the adapter image in the sandbox registry (when output.image is on it). */
export async function pushAdapterImage(ctx: SandboxContext, image: string, preset: string, hfId: string, lora: LoraSettings): Promise<string | undefined> {
  if (!ctx.ociRegistry || !sandboxRef(image)) return undefined;
  const config = JSON.stringify({ base_model_name_or_path: hfId, peft_type: 'LORA', task_type: 'CAUSAL_LM', r: lora.r, lora_alpha: lora.alpha, lora_dropout: lora.dropout, target_modules: lora.targetModules ?? null, bias: 'none', inference_mode: true }, null, 2);
  const layerTar = await tarOf([['adapter_config.json', Buffer.from(config)], ['adapter_model.safetensors', safetensors(`${image}/${preset}`, lora.r)]]);
  const layer = gzipSync(layerTar, { level: 9 });
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const cfg = Buffer.from(JSON.stringify({ rootfs: { diff_ids: [sha(layerTar)] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(cfg), size: cfg.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
    annotations: { 'sh.kaito.model.name': preset },
  }));
  return ctx.ociRegistry.putImage(image, [layer, cfg], manifest, 'application/vnd.oci.image.manifest.v1+json');
}

export interface LoadedAdapter { r?: number; alpha?: number; baseModel?: string }

/**
 * compat G4: the inference pod's adapter puller (init container `puller-<name>`) for `inference.adapters[].source.image`.
 * Images on the sandbox registry are read for real (manifest -> layers -> /data/adapter_config.json); a missing
 * image fails like skopeo does. undefined: the image is elsewhere (the sandbox cannot reach it; assumed pulled).
 */
export async function pullAdapterImage(ctx: SandboxContext, image: string): Promise<LoadedAdapter | { error: string } | undefined> {
  if (!ctx.ociRegistry || !sandboxRef(image)) return undefined;
  const got = await ctx.ociRegistry.readImage(image);
  if ('error' in got) return { error: `time="..." level=fatal msg="Error initializing source docker://${image}: reading manifest: ${got.error}"` };
  const cfg = got.files.get('adapter_config.json');
  if (!cfg) return {};
  try {
    const j = JSON.parse(cfg.toString('utf8')) as { r?: unknown; lora_alpha?: unknown; base_model_name_or_path?: unknown };
    return { r: typeof j.r === 'number' ? j.r : undefined, alpha: typeof j.lora_alpha === 'number' ? j.lora_alpha : undefined, baseModel: typeof j.base_model_name_or_path === 'string' ? j.base_model_name_or_path : undefined };
  } catch {
    return {};
  }
}
