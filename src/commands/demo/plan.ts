// What the demo does, as data: the names it uses, each step's command line and the few sentences that
// tell a newcomer what the step does and why. Pure (no I/O), so the narration can be read in one place.

/**
 * Emulated time runs this many times faster than real time. At x100 the QLoRA run (~25 emulated minutes
 * for the sample dataset) trains for ~15 s, long enough to watch the progress, and the whole demo stays
 * well under a minute on a 2-core machine (measured: ~35 s).
 */
export const DEFAULT_SPEED = 100;

export const DEMO = {
  sku: 'Standard_NV36ads_A10_v5',
  preset: 'phi-3-mini-128k-instruct',
  tuneWs: 'demo-tune',
  chatWs: 'demo-chat',
  datasetFile: 'kaito-ops-messages.parquet',
  /** issue 13: the demo tunes on this local file (pushed as a data image to the sandbox registry) */
  localDatasetFile: 'kaito-ops-messages.jsonl',
  outputRepository: 'demo/phi3-ops-adapter:v1',
  registryUser: 'demo',
  question: 'How do I check my GPU quota before tuning on AKS?',
  proxyQuestion: 'In one sentence: what is a Kaito workspace?',
} as const;

export interface StepPlan {
  /** short name used in the summary and -o json */
  name: string;
  title: string;
  why: string[];
  args: string[];
  /** how the command line is shown when stdin carries something (a shell-like `... | kaito ...`) */
  stdinShown?: string;
}

export function datasetUrl(sandboxPort: number, host: string): string {
  return `https://${host}:${sandboxPort}/${DEMO.datasetFile}`;
}

export function doctorStep(): StepPlan {
  return {
    name: 'doctor',
    title: 'check the cluster before spending GPU money',
    why: [
      'kaito doctor checks kube access, the Kaito CRDs and controller, how GPU nodes get provisioned',
      '(NAP: Kaito creates them; BYO: you bring a node pool) and the GPU quota for the SKU we are about to use.',
    ],
    args: ['doctor', '--instance-type', DEMO.sku],
  };
}

/** The adapter image the tuning pushes, on the sandbox's registry (its port is the sandbox's). */
export function outputImage(sandboxPort: number, registryHost = 'registry.kaito-sandbox.test'): string {
  return `${registryHost}:${sandboxPort}/${DEMO.outputRepository}`;
}

export function tuneStep(dataset: string, image: string): StepPlan {
  return {
    name: 'tune',
    title: `fine-tune ${DEMO.preset} with QLoRA on the sample dataset`,
    why: [
      'kaito tune validates the local dataset file (300 Kaito-on-AKS questions and answers), pushes it to the registry as a',
      'data image (tuning.input.image: no public URL needed), then applies a tuning Workspace.',
      `Kaito provisions one ${DEMO.sku} node (1x A10, 24 GiB, enough for QLoRA on a ~4B model) for it, runs a`,
      'training Job there and pushes the resulting LoRA adapter as an image to --output-image.',
      `Pushing needs registry credentials: a throw-away password generated for this demo is piped on stdin`,
      '(never on the command line) and the CLI stores it in a docker-registry Secret.',
    ],
    args: [
      'tune', '--preset', DEMO.preset, '--method', 'qlora', '--name', DEMO.tuneWs, '--dataset', dataset,
      '--output-image', image, '--registry-username', DEMO.registryUser, '--registry-password-stdin',
      // compat C3: Kaito 0.11+ in NAP mode provisions its own nodes; a pre-created pool would idle
      '--instance-type', DEMO.sku,
    ],
    stdinShown: 'printf %s "$REGISTRY_PASSWORD"',
  };
}

/** `timeout` is a --timeout value (real time: long enough for the chosen speed) */
export function waitStep(timeout: string): StepPlan {
  return {
    name: 'wait',
    title: 'wait for the tuning job to finish',
    why: [
      'kaito wait follows the workspace through its phases and fails early with the root cause (quota,',
      'image pulls, a crashing trainer). Alongside, `kaito logs --progress` turns the trainer log into progress.',
    ],
    args: ['wait', DEMO.tuneWs, '--timeout', timeout],
  };
}

export function adapterStep(image: string): StepPlan {
  return {
    name: 'adapter',
    title: 'look inside the adapter image the tuning pushed',
    why: [
      'kaito adapter inspect reads the image from the registry (digests verified): the base model Kaito recorded',
      'and the LoRA settings. `kaito adapter pull IMAGE DIR` writes the two files for vLLM, PEFT or ollama.',
    ],
    args: ['adapter', 'inspect', image],
  };
}

export function progressStep(follow: boolean): StepPlan {
  return {
    name: 'progress',
    title: 'training progress from the trainer log',
    why: [],
    args: ['logs', DEMO.tuneWs, ...(follow ? ['--follow'] : []), '--progress'],
  };
}

export function deployStep(timeout: string): StepPlan {
  return {
    name: 'deploy',
    title: 'serve the base model with the new adapter',
    why: [
      '--from-tuning reads the finished tuning workspace: its preset and the adapter image it pushed (and the',
      'pull secret). The inference Workspace runs vLLM with the adapter loaded; --wait returns once it answers.',
    ],
    args: ['deploy', '--from-tuning', DEMO.tuneWs, '--name', DEMO.chatWs, '--instance-type', DEMO.sku, '--wait', '--timeout', timeout],
  };
}

export function chatStep(): StepPlan {
  return {
    name: 'chat',
    title: 'ask the tuned model one question',
    why: [
      'kaito chat reaches the inference Service through the API server (no port to open) and streams the',
      'answer token by token. The sandbox answers with clearly labelled emulated text: there is no real model here.',
    ],
    args: ['chat', '--workspace', DEMO.chatWs, DEMO.question],
  };
}

export function proxyStep(): StepPlan {
  return {
    name: 'proxy',
    title: 'a local OpenAI-compatible endpoint for any OpenAI client',
    why: [
      'kaito proxy listens on 127.0.0.1 (--port 0 picks a free port and prints the base URL on stdout) and',
      'forwards /v1/* to the workspace. Below, one plain OpenAI chat request is sent to it, then it is stopped.',
    ],
    args: ['proxy', DEMO.chatWs, '--port', '0'],
  };
}

export function deleteStep(ws: string): StepPlan {
  return {
    name: `delete ${ws}`,
    title: `delete workspace ${ws}`,
    why:
      ws === DEMO.chatWs
        ? ['Deleting a workspace removes its pods and services; --wait returns once Kaito has finished.']
        : ['The tuning workspace goes too (the adapter image stays in the registry); Kaito removes the GPU nodes it provisioned.'],
    args: ['delete', ws, '--wait', '--timeout', '5m'],
  };
}

/** A command line as a user would type it (quoted where a shell needs it). */
export function commandLine(args: string[], stdinShown?: string): string {
  const line = ['kaito', ...args.map(shellQuote)].join(' ');
  return stdinShown ? `${stdinShown} | ${line}` : line;
}

export function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./:=@,+%-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}
