// Kaito adapter images (KAITO.md section 5: any OCI image with /data/adapter_config.json and
// /data/adapter_model.safetensors; Kaito's pusher adds the manifest annotation sh.kaito.model.name=<preset>,
// v0.12.0 pkg/workspace/tuning/preset_tuning.go, pkg/workspace/image/pusher.sh).
import { OperationError } from '../errors.js';
import { MEDIA, type Descriptor, type RegistryClient } from './client.js';
import { extractAdapter, type ExtractResult } from './extract.js';

export const MODEL_ANNOTATION = 'sh.kaito.model.name';

export interface ResolvedImage {
  /** digest of the manifest the reference names (an index's digest for a multi-arch image) */
  digest: string;
  /** the image manifest's own digest (differs from digest for an index) */
  manifestDigest: string;
  mediaType: string;
  layers: Descriptor[];
  annotations: Record<string, string>;
  platform?: string;
}

/** GET the manifest; an OCI index or Docker manifest list resolves to linux/amd64 (else the first image in it). */
export async function resolveImage(client: RegistryClient): Promise<ResolvedImage> {
  const ref = client.ref;
  let m = await client.getManifest(ref.digest ?? ref.tag ?? 'latest');
  const top = m.digest;
  let platform: string | undefined;
  if (m.mediaType === MEDIA.ociIndex || m.mediaType === MEDIA.dockerList || (Array.isArray(m.json.manifests) && !m.json.layers)) {
    const entries = ((m.json.manifests ?? []) as Descriptor[]).filter((d) => d.platform?.os !== 'unknown');
    const pick = entries.find((d) => d.platform?.os === 'linux' && d.platform?.architecture === 'amd64') ?? entries[0];
    if (!pick) throw new OperationError(`${ref.registry}/${ref.repository}: the image index lists no image`);
    platform = pick.platform ? `${pick.platform.os}/${pick.platform.architecture}` : undefined;
    m = await client.getManifest(pick.digest);
    if (m.digest !== pick.digest) throw new OperationError(`the manifest for ${pick.digest} does not match its digest; refusing it`);
  }
  const layers = m.json.layers as Descriptor[] | undefined;
  if (!Array.isArray(layers)) throw new OperationError(`${ref.registry}/${ref.repository}: ${m.mediaType || 'the manifest'} is not an image manifest kaito can read`, 'kaito reads OCI image manifests, Docker v2 manifests and their indexes');
  for (const l of layers) {
    if (typeof l.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(l.digest) || typeof l.size !== 'number') throw new OperationError(`${ref.registry}/${ref.repository}: a layer of the manifest has no valid sha256 digest or size`);
  }
  return { digest: top, manifestDigest: m.digest, mediaType: m.mediaType, layers, annotations: (m.json.annotations ?? {}) as Record<string, string>, platform };
}

export interface AdapterInfo {
  image: string;
  digest: string;
  reference: string;
  platform: string | null;
  baseModel: string | null;
  peftType: string | null;
  baseModelNameOrPath: string | null;
  lora: { r: number | null; alpha: number | null; dropout: number | null; targetModules: string[] | string | null };
  size: { compressed: number; files: Record<string, number> };
  layers: Array<{ digest: string; size: number; mediaType: string }>;
}

export async function readAdapter(client: RegistryClient, opts: { targetDir?: string; maxExpanded?: number }): Promise<{ info: AdapterInfo; result: ExtractResult }> {
  const img = await resolveImage(client);
  const result = await extractAdapter(img.layers, (d) => client.getBlob(d.digest), opts);
  const ref = client.ref;
  if (result.configText === undefined) throw new OperationError(`${ref.registry}/${ref.repository} has no /data/adapter_config.json; it is not a Kaito adapter image`, 'an adapter image holds /data/adapter_config.json and /data/adapter_model.safetensors (what Kaito\'s tuning pushes)');
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(result.configText) as Record<string, unknown>;
  } catch {
    throw new OperationError(`${ref.registry}/${ref.repository}: /data/adapter_config.json is not JSON`);
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const tm = cfg.target_modules;
  const info: AdapterInfo = {
    image: `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`,
    digest: img.digest,
    reference: `${ref.registry}/${ref.repository}@${img.digest}`,
    platform: img.platform ?? null,
    baseModel: str(img.annotations[MODEL_ANNOTATION]),
    peftType: str(cfg.peft_type),
    baseModelNameOrPath: str(cfg.base_model_name_or_path),
    lora: { r: num(cfg.r), alpha: num(cfg.lora_alpha), dropout: num(cfg.lora_dropout), targetModules: Array.isArray(tm) ? tm.map(String) : typeof tm === 'string' ? tm : null },
    size: { compressed: img.layers.reduce((n, l) => n + l.size, 0), files: Object.fromEntries(result.files) },
    layers: img.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
  };
  return { info, result };
}
