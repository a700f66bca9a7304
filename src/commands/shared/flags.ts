// Flag sets shared by a command and its render twin (tune / render tune, deploy / render deploy),
// so the two can never drift apart.
import { Option, type Command } from 'commander';

export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Flags of `kaito tune` that do not need a cluster (also on `kaito render tune`). */
export function addTuneFlags(cmd: Command): Command {
  return cmd
    .option('--preset <name>', 'tunable model preset (see `kaito presets list --tunable`)')
    .addOption(new Option('--method <method>', 'tuning method').choices(['lora', 'qlora']))
    .option('--name <ws>', 'workspace name (default <preset>-<method>)')
    .option('--dataset <url>', 'dataset URL, http/https (repeatable; Kaito trains on the first file only), or one local file: pushed as a data image to --dataset-image (default <output-image repo>-data:<digest>)', collect)
    .option('--dataset-image <image>', 'dataset baked into a container image (under /data); with a local --dataset file, where to push it')
    .option('--dataset-pvc <claim>', 'dataset on a PersistentVolumeClaim (mounted at /mnt/data)')
    .option('--dataset-pull-secret <name>', 'image pull secret for --dataset-image')
    .option('--output-image <image>', 'where the adapter image is pushed')
    .option('--push-secret <name>', 'existing docker-registry Secret used to push --output-image')
    .option('--registry-username <user>', 'create the push Secret with this user (password from --registry-password-stdin)')
    .option('--registry-password-stdin', 'read the registry password from stdin')
    .option('--output-pvc <claim>', 'write the adapter to a PersistentVolumeClaim instead of an image')
    .option('--instance-type <sku>', 'GPU VM size Kaito provisions, e.g. Standard_NV36ads_A10_v5')
    .option('--nodepool <pool>', 'run on an existing AKS node pool')
    .option('--labels <k=v,...>', 'extra labelSelector matchLabels (default app=<ws>)')
    .addOption(new Option('--node-provisioning <mode>', 'node provisioning mode (default: auto-detected)').choices(['auto', 'nap', 'byo']))
    .option('--epochs <n>', 'TrainingArguments.num_train_epochs')
    .option('--max-steps <n>', 'TrainingArguments.max_steps')
    .option('--learning-rate <f>', 'TrainingArguments.learning_rate')
    .option('--batch-size <n>', 'TrainingArguments.per_device_train_batch_size')
    .option('--lora-r <n>', 'LoraConfig.r')
    .option('--lora-alpha <n>', 'LoraConfig.lora_alpha')
    .option('--lora-dropout <f>', 'LoraConfig.lora_dropout')
    .option('--target-modules <a,b>', 'LoraConfig.target_modules')
    .option('--eval-split <f>', 'hold out this fraction (0 < f < 0.5) of the dataset and report eval loss during training')
    .option('--config-file <file>', 'training_config.yaml to use (validated)')
    .option('--tuning-config <name>', 'existing ConfigMap holding training_config.yaml')
    .addOption(new Option('--api-version <v>', 'Workspace API version (default: what the server serves, v1beta1 preferred)').choices(['kaito.sh/v1beta1', 'kaito.sh/v1alpha1']))
    .option('--force', 'render even when the model is predicted not to fit the GPU memory');
}

/** Flags of `kaito deploy` that do not need a cluster (also on `kaito render deploy`). */
export function addDeployFlags(cmd: Command): Command {
  return cmd
    .option('--preset <name>', 'model preset (see `kaito presets list`)')
    .option('--name <ws>', 'workspace name (default: the preset)')
    .option('--instance-type <sku>', 'GPU VM size Kaito provisions')
    .option('--nodepool <pool>', 'run on an existing AKS node pool')
    .option('--labels <k=v,...>', 'extra labelSelector matchLabels (default app=<ws>)')
    .addOption(new Option('--node-provisioning <mode>', 'node provisioning mode (default: auto-detected)').choices(['auto', 'nap', 'byo']))
    .option('--adapter <name=image>', 'LoRA adapter to load (repeatable, at most 10)', collect)
    .option('--adapter-pull-secret <name>', 'image pull secret for the adapter images')
    .option('--from-tuning <ws>', 'load the adapter produced by a finished tuning workspace')
    .addOption(new Option('--runtime <runtime>', 'inference runtime').choices(['vllm', 'transformers']))
    .option('--model-access-secret <name>', 'existing Secret with key HF_TOKEN (gated models)')
    .option('--hf-token-stdin', 'read a Hugging Face token from stdin and create the model access Secret')
    .option('--config-file <file>', 'inference_config.yaml to use (validated)')
    .option('--load-balancer', 'expose the service through a LoadBalancer (kaito.sh/enablelb)')
    .addOption(new Option('--api-version <v>', 'Workspace API version').choices(['kaito.sh/v1beta1', 'kaito.sh/v1alpha1']))
    .option('--force', 'render even when the model is predicted not to fit the GPU memory');
}

export function addWaitFlags(cmd: Command): Command {
  return cmd
    .option('--wait', 'wait until the workspace is done (see `kaito wait`)')
    .option('--timeout <dur>', 'how long --wait waits, e.g. 90m, 6h');
}
