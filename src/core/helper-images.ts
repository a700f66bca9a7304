// The images a Kaito tuning pod pulls, per release (compat T7): the tuning image `<PRESET_REGISTRY_NAME>/kaito-base:<tag>`
// (pkg/workspace/tuning/preset_tuning.go GetTuningImageInfo -> pkg/utils GetPresetImageName, the `base` entry of
// presets/workspace/models/supported_models.yaml; registry from the chart's presetRegistryName,
// default mcr.microsoft.com/aks/kaito) and the helpers: data-downloader `curlimages/curl` (SetTrainingInput...),
// puller (pkg/workspace/image/puller.go), pusher (pusher.go) and the output sidecar's pause image (preset_tuning.go).
import type { KaitoRelease } from './presets.js';

export interface HelperImage { role: 'tuning' | 'data-downloader' | 'puller' | 'pusher' | 'pause'; image: string; when: string }

export const DEFAULT_PRESET_REGISTRY = 'mcr.microsoft.com/aks/kaito';

const BASE_TAG: Record<KaitoRelease, string> = { '0.6': '0.0.5', '0.10': '0.2.8', '0.11': '0.4.2', '0.12': '0.5.0' };
const PULLER: Record<KaitoRelease, string> = {
  '0.6': 'quay.io/skopeo/stable:v1.18.0-immutable',
  '0.10': 'mcr.microsoft.com/aks/skopeo:1.14.4-6',
  '0.11': 'mcr.microsoft.com/aks/skopeo:1.14.4-6',
  '0.12': 'mcr.microsoft.com/aks/skopeo:1.14.4-6',
};

export function tuningImages(release: KaitoRelease, registry = DEFAULT_PRESET_REGISTRY): HelperImage[] {
  return [
    { role: 'tuning', image: `${registry.replace(/\/+$/, '')}/kaito-base:${BASE_TAG[release]}`, when: 'every tuning run (the trainer)' },
    { role: 'data-downloader', image: 'curlimages/curl', when: 'tuning.input.urls (--dataset URL)' },
    { role: 'puller', image: PULLER[release], when: 'tuning.input.image (--dataset-image)' },
    { role: 'pusher', image: 'ghcr.io/oras-project/oras:v1.2.2', when: 'tuning.output.image (--output-image)' },
    { role: 'pause', image: 'registry.k8s.io/pause:latest', when: 'tuning.output.image (--output-image)' },
  ];
}
