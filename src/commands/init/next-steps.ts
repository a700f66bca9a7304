// What to run after `kaito init`, in order, for the answers given.
import { toDnsLabel } from '../../core/names.js';
import type { WizardResult } from './wizard.js';

export function tuningWorkspaceName(preset: string, method: string, given?: string): string {
  return given ?? toDnsLabel(`${preset}-${method}`);
}

export function nextSteps(r: WizardResult): string[] {
  const a = r.answers;
  const ns = a.namespace ? ` -n ${a.namespace}` : '';
  const ws = tuningWorkspaceName(a.preset!, a.method!, a.workspace);
  const steps: Array<[string, string]> = [];
  if (r.namespaceMissing && a.namespace) steps.push([`kubectl create namespace ${a.namespace}`, `the namespace ${a.namespace} does not exist yet`]);
  steps.push(['kaito doctor', 'check kube access, Kaito, node provisioning and GPU quota']);
  if (r.pushSecretMissing && a.pushSecret && a.outputImage) {
    const registry = a.outputImage.includes('/') ? a.outputImage.split('/')[0] : 'docker.io';
    steps.push([`docker login ${registry}`, 'or `az acr login -n NAME` for Azure Container Registry']);
    steps.push([
      `kubectl create secret generic ${a.pushSecret}${ns} --type=kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson=$HOME/.docker/config.json`,
      `the push Secret ${a.pushSecret} does not exist yet`,
    ]);
  }
  if (a.nodepool && r.nodepoolIsNew) {
    steps.push([`kaito nodepool add ${a.nodepool} --instance-type ${r.suggestedSku ?? 'SKU'}`, r.byo ? 'create the GPU node pool the job runs on (BYO: Kaito uses the nodes you give it)' : 'create the GPU node pool the job runs on']);
  }
  steps.push(['kaito tune --wait', `submit ${ws} and follow it to the end`]);
  steps.push([`kaito deploy --from-tuning ${ws} --wait`, 'serve the base model with the new adapter']);
  steps.push(['kaito chat "Hello!"', 'talk to it (or `kaito proxy` for an OpenAI-compatible endpoint)']);
  // the comment above the command keeps every line copy-pasteable and narrow
  return steps.flatMap(([cmd, why]) => [`  # ${why}`, `  ${cmd}`]);
}
