// The bad-input corpus: invocations and files a user (or a script) gets wrong. Each entry says the exit code
// it must end with and, where it is not 2, why. Placeholders in args: {DS} a good dataset URL of the live
// sandbox, {F:name} the path of files[name] (written to a fresh directory, which is also the cwd, so a
// `kaito.yaml` file there is the project file), {SECRET} the planted secret.
// Exit 2 is "usage or invalid input, nothing was changed"; 4 is "not authenticated"; 1 is "the operation
// failed" (the input was well-formed but the world said no, e.g. nothing listens on the address).

export interface BadInput {
  id: string;
  args: string[];
  files?: Record<string, string | Buffer>;
  /** stdin (default: empty) */
  input?: string;
  /** extra env (values may use the placeholders) */
  env?: Record<string, string>;
  code: 1 | 2 | 4;
  /** why the code is not 2 */
  why?: string;
  /** the command prints a report on stdout (data) besides its one-line verdict on stderr */
  report?: boolean;
  /** a bug the campaign found and reported, not fixed yet (its owner is still at work): excluded from the exit-code check */
  known?: string;
}

const T = ['tune', '--preset', 'phi-3-mini-128k-instruct', '--dataset', '{DS}', '--output-image', 'registry.kaito-sandbox.test/a:1', '--push-secret', 'push', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check'];
/** the valid tune invocation with some flags replaced or added */
const tune = (drop: string[], extra: string[]) => {
  const out: string[] = [];
  for (let i = 0; i < T.length; i++) {
    if (drop.includes(T[i])) {
      if (T[i] !== '--skip-dataset-check' && T[i] !== 'tune') i++;
      continue;
    }
    out.push(T[i]);
  }
  return [...out, ...extra];
};
const D = ['deploy', '--preset', 'phi-4-mini-instruct', '--instance-type', 'Standard_NV36ads_A10_v5'];
const NP = (name: string, extra: string[] = []) => ['nodepool', 'add', name, '--instance-type', 'Standard_NV36ads_A10_v5', ...extra];
const trainCfg = (body: string) => ({ 'cfg.yaml': body });
const HUGE = 'x'.repeat(6 * 1024 * 1024);
const SECRETY = '{SECRET}';

export const BAD_INPUTS: BadInput[] = [
  // --- commands, flags, global options
  { id: 'unknown command', args: ['frobnicate'], code: 2 },
  { id: 'unknown flag', args: ['tune', '--frobnicate'], code: 2 },
  { id: 'unknown flag carrying a secret value', args: ['tune', '--registry-password', SECRETY], code: 2 },
  { id: 'flag without its value', args: ['tune', '--preset'], code: 2 },
  { id: 'extra positional argument', args: ['list', 'a', 'b'], code: 2 },
  { id: 'bad -o format', args: ['list', '-o', 'xml'], code: 2 },
  { id: 'bad -o format on render', args: ['render', 'tune', '--preset', 'phi-4', '-o', 'yml2'], code: 2 },
  { id: 'namespace with a space', args: ['list', '-n', 'bad ns'], code: 2 },
  { id: 'namespace too long', args: ['list', '-n', 'n'.repeat(300)], code: 2 },
  { id: 'namespace with unicode', args: ['list', '-n', 'prodüction'], code: 2 },
  { id: 'KAITO_NAMESPACE not a label', args: ['list'], env: { KAITO_NAMESPACE: 'Team A' }, code: 2 },
  { id: 'kubeconfig that does not exist', args: ['list', '--kubeconfig', '/nonexistent/kubeconfig'], code: 2 },
  { id: 'kubeconfig that is not YAML', args: ['list', '--kubeconfig', '{F:kc}'], files: { kc: ':\n\t- [unclosed' }, code: 2 },
  { id: 'kubeconfig with NUL bytes', args: ['list', '--kubeconfig', '{F:kc}'], files: { kc: Buffer.from('apiVersion: v1\0\0kind: Config\0') }, code: 2 },
  { id: 'unknown kube context', args: ['list', '--context', 'no-such-context'], code: 2 },
  { id: 'wrong bearer token', args: ['list', '--kubeconfig', '{F:kc}'], files: { kc: 'WRONG_TOKEN_KUBECONFIG' }, code: 4, why: 'the API server answers 401: not authenticated' },
  { id: 'nothing listens at the server', args: ['list', '--kubeconfig', '{F:kc}'], files: { kc: 'DEAD_SERVER_KUBECONFIG' }, code: 1, why: 'well-formed input; the cluster is unreachable (connection refused)' },
  { id: 'ARM endpoint not a URL', args: ['nodepool', 'list', '--arm-endpoint', 'not a url'], code: 2 },
  { id: 'ARM endpoint over plain http', args: ['nodepool', 'list', '--arm-endpoint', 'http://127.0.0.1:9'], code: 2 },
  { id: 'ARM endpoint with ftp scheme', args: ['nodepool', 'list', '--arm-endpoint', 'ftp://127.0.0.1/'], code: 2 },
  { id: 'subscription not a GUID', args: ['nodepool', 'list', '--subscription', 'my subscription'], code: 2 },
  { id: 'resource group with shell metacharacters', args: ['nodepool', 'list', '--resource-group', 'rg;rm -rf ~'], code: 2 },
  { id: 'cluster name with a slash', args: ['nodepool', 'list', '--cluster', '../../etc'], code: 2 },
  { id: '--config file missing', args: ['list', '--config', '/nonexistent/kaito.yaml'], code: 2 },
  { id: 'wait: bad --timeout', args: ['wait', 'x', '--timeout', 'forever'], code: 2 },
  { id: 'wait: negative --timeout', args: ['wait', 'x', '--timeout', '-5m'], code: 2 },
  { id: 'wait: absurd --timeout', args: ['wait', 'x', '--timeout', '99999999999999999999999h'], code: 2 },
  { id: 'wait: bad --for', args: ['wait', 'x', '--for', 'lunch'], code: 2 },
  { id: 'wait: empty condition', args: ['wait', 'x', '--for', 'condition='], code: 2 },
  { id: 'status: invalid workspace name', args: ['status', 'Bad_Name'], code: 2 },
  { id: 'wait: invalid workspace name', args: ['wait', 'ws;rm -rf ~'], code: 2 },
  { id: 'logs: invalid workspace name', args: ['logs', '-f', '../etc'], code: 2 },
  { id: 'delete: invalid workspace name', args: ['delete', 'Bad_Name'], code: 2 },
  { id: 'chat: invalid --workspace', args: ['chat', '--workspace', 'x'.repeat(64), 'hi'], code: 2 },
  { id: 'proxy: invalid workspace name', args: ['proxy', 'UPPER', '--port', '0'], code: 2 },
  { id: 'delete: upper-case name', args: ['delete', 'UPPER', '-y'], code: 2 },
  { id: 'logs: shell metacharacters in the name', args: ['logs', 'x;rm -rf /'], code: 2 },
  { id: 'logs: command substitution in the name', args: ['logs', '$(id)'], code: 2 },
  { id: 'delete: name too long', args: ['delete', 'a'.repeat(64), '-y'], code: 2 },
  // --- tune
  { id: 'tune: no preset and no kaito.yaml', args: tune(['--preset'], []), code: 2 },
  { id: 'tune: unknown preset', args: tune(['--preset'], ['--preset', 'gpt-7']), code: 2 },
  { id: 'tune: preset that cannot be tuned', args: tune(['--preset'], ['--preset', 'mistral-7b-instruct']), code: 2 },
  { id: 'tune: preset with path traversal', args: tune(['--preset'], ['--preset', '../../etc/passwd']), code: 2 },
  { id: 'tune: unknown method', args: tune([], ['--method', 'dora']), code: 2 },
  { id: 'tune: no data source', args: tune(['--dataset'], []), code: 2 },
  { id: 'tune: two data sources', args: tune([], ['--dataset-pvc', 'data']), code: 2 },
  { id: 'tune: dataset over ftp', args: tune(['--dataset'], ['--dataset', 'ftp://example.com/d.parquet']), code: 2 },
  { id: 'tune: dataset on localhost', args: tune(['--dataset'], ['--dataset', 'http://localhost:8000/d.parquet']), code: 2 },
  { id: 'tune: dataset on loopback IP', args: tune(['--dataset'], ['--dataset', 'https://127.0.0.1/d.parquet']), code: 2 },
  { id: 'tune: dataset on cloud metadata', args: tune(['--dataset'], ['--dataset', 'http://169.254.169.254/latest/meta-data']), code: 2 },
  { id: 'tune: dataset on a private address', args: tune(['--dataset'], ['--dataset', 'http://10.1.2.3/d.parquet']), code: 2 },
  { id: 'tune: dataset on IPv6 loopback', args: tune(['--dataset'], ['--dataset', 'http://[::1]/d.parquet']), code: 2 },
  { id: 'tune: dataset not a URL', args: tune(['--dataset'], ['--dataset', 'my data.parquet']), code: 2 },
  { id: 'tune: dataset URL with credentials', args: tune(['--dataset'], ['--dataset', `https://user:${SECRETY}@example.com/d.parquet`]), code: 2 },
  { id: 'tune: dataset URL with a newline', args: tune(['--dataset'], ['--dataset', 'https://example.com/d.parquet\nkind: Secret']), code: 2 },
  { id: 'tune: no output', args: tune(['--output-image', '--push-secret'], []), code: 2 },
  { id: 'tune: output image without a push secret', args: tune(['--push-secret'], []), code: 2 },
  { id: 'tune: invalid output image reference', args: tune(['--output-image'], ['--output-image', 'UPPER/Case:tag!']), code: 2 },
  { id: 'tune: output image and output pvc', args: tune([], ['--output-pvc', 'out']), code: 2 },
  { id: 'tune: push secret and registry user', args: tune([], ['--registry-username', 'u', '--registry-password-stdin']), input: SECRETY + '\n', code: 2 },
  { id: 'tune: registry user without the password', args: tune(['--push-secret'], ['--registry-username', 'u']), code: 2 },
  { id: 'tune: registry password from empty stdin', args: tune(['--push-secret'], ['--registry-username', 'u', '--registry-password-stdin']), input: '', code: 2 },
  { id: 'tune: registry password with a bad preset', args: tune(['--push-secret', '--preset'], ['--preset', 'nope', '--registry-username', 'u', '--registry-password-stdin']), input: SECRETY + '\n', code: 2 },
  { id: 'tune: unknown instance type', args: tune(['--instance-type'], ['--instance-type', 'Standard_FAKE_v9']), code: 2 },
  { id: 'tune: instance type Kaito dropped (V100)', args: tune(['--instance-type'], ['--instance-type', 'Standard_NC6s_v3']), code: 2 },
  { id: 'tune: instance type and nodepool', args: tune([], ['--nodepool', 'gpu']), code: 2 },
  { id: 'tune: no placement', args: tune(['--instance-type'], []), code: 2 },
  { id: 'tune: name with an underscore', args: tune([], ['--name', 'Bad_Name']), code: 2 },
  { id: 'tune: name of 64 characters', args: tune([], ['--name', 'a'.repeat(64)]), code: 2 },
  { id: 'tune: name starting with a dash', args: tune([], ['--name=-lead']), code: 2 },
  { id: 'tune: unicode name', args: tune([], ['--name', 'modèle-ünï']), code: 2 },
  { id: 'tune: emoji name', args: tune([], ['--name', 'model-🚀']), code: 2 },
  { id: 'tune: command substitution in the name', args: tune([], ['--name', '$(touch /tmp/kaito-pwned)']), code: 2 },
  { id: 'tune: backticks in the name', args: tune([], ['--name', '`id`']), code: 2 },
  { id: 'tune: --epochs 0', args: tune([], ['--epochs', '0']), code: 2 },
  { id: 'tune: negative --epochs', args: tune([], ['--epochs=-1']), code: 2 },
  { id: 'tune: --epochs overflowing', args: tune([], ['--epochs', '1e400']), code: 2 },
  { id: 'tune: --epochs not a number', args: tune([], ['--epochs', 'three']), code: 2 },
  { id: 'tune: --max-steps huge', args: tune([], ['--max-steps', '99999999999999999999999']), code: 2 },
  { id: 'tune: negative --learning-rate', args: tune([], ['--learning-rate=-0.1']), code: 2 },
  { id: 'tune: --learning-rate NaN', args: tune([], ['--learning-rate', 'NaN']), code: 2 },
  { id: 'tune: fractional --batch-size', args: tune([], ['--batch-size', '1.5']), code: 2 },
  { id: 'tune: --lora-r 0', args: tune([], ['--lora-r', '0']), code: 2 },
  { id: 'tune: --lora-dropout above 1', args: tune([], ['--lora-dropout', '1.5']), code: 2 },
  { id: 'tune: empty --target-modules', args: tune([], ['--target-modules', '']), code: 2 },
  { id: 'tune: --labels without =', args: tune([], ['--labels', 'team']), code: 2 },
  { id: 'tune: only reserved --labels keys', args: tune([], ['--labels', 'kaito.sh/workspace=x']), code: 2 },
  { id: 'tune: label key with spaces', args: tune([], ['--labels', 'bad key=v']), code: 2 },
  { id: 'tune: label value too long', args: tune([], ['--labels', `team=${'v'.repeat(100)}`]), code: 2 },
  { id: 'tune: unknown --api-version', args: tune([], ['--api-version', 'kaito.sh/v2']), code: 2 },
  { id: 'tune: bad --dry-run', args: tune([], ['--dry-run=maybe']), code: 2 },
  { id: 'tune: bad --node-provisioning', args: tune([], ['--node-provisioning', 'magic']), code: 2 },
  { id: 'tune: invalid --dataset-pvc name', args: tune(['--dataset'], ['--dataset-pvc', 'Bad/PVC']), code: 2 },
  { id: 'tune: invalid --tuning-config name', args: tune([], ['--tuning-config', 'Bad Name']), code: 2 },
  { id: 'tune: --config-file missing', args: tune([], ['--config-file', '/nonexistent/cfg.yaml']), code: 2 },
  { id: 'tune: --config-file not YAML', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('training_config: [unclosed\n  : :'), code: 2 },
  { id: 'tune: --config-file without training_config', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('TrainingArguments:\n  num_train_epochs: 1\n'), code: 2 },
  { id: 'tune: --config-file unknown section', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('training_config:\n  Optimizer:\n    lr: 1\n'), code: 2 },
  { id: 'tune: --config-file 4-bit and 8-bit', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n    load_in_8bit: true\n'), code: 2 },
  { id: 'tune: --config-file load_in_4bit as a string', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('training_config:\n  QuantizationConfig:\n    load_in_4bit: "yes"\n'), code: 2 },
  { id: 'tune: --config-file lora with quantization', args: tune([], ['--method', 'lora', '--config-file', '{F:cfg.yaml}']), files: trainCfg('training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n'), code: 2 },
  { id: 'tune: --config-file output_dir outside /mnt', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n  TrainingArguments:\n    output_dir: /tmp/out\n'), code: 2 },
  { id: 'tune: --config-file output_dir /mnt itself', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n  TrainingArguments:\n    output_dir: /mnt\n'), code: 2 },
  { id: 'tune: --config-file with NUL bytes', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: { 'cfg.yaml': Buffer.from('training_config:\0\n  LoraConfig:\0 r: 8\n') }, code: 2 },
  { id: 'tune: --config-file of 6 MiB', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg(`training_config:\n  LoraConfig:\n    r: 8\n# ${HUGE}\n`), code: 2 },
  { id: 'tune: --config-file is a directory', args: tune([], ['--config-file', '/tmp']), code: 2 },
  { id: 'tune: --config-file and --tuning-config', args: tune([], ['--config-file', '{F:cfg.yaml}', '--tuning-config', 'mine']), files: trainCfg('training_config:\n  LoraConfig:\n    r: 8\n'), code: 2 },
  { id: 'tune: --config-file YAML alias bomb', args: tune([], ['--config-file', '{F:cfg.yaml}']), files: trainCfg('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\ntraining_config: *g\n'), code: 2 },
  // --- deploy
  { id: 'deploy: no preset', args: ['deploy', '--instance-type', 'Standard_NV36ads_A10_v5'], code: 2 },
  { id: 'deploy: unknown preset', args: ['deploy', '--preset', 'nope-1b', '--instance-type', 'Standard_NV36ads_A10_v5'], code: 2 },
  { id: 'deploy: gated preset without a token', args: ['deploy', '--preset', 'llama-3.1-8b-instruct', '--instance-type', 'Standard_NC24ads_A100_v4'], code: 2 },
  { id: 'deploy: HF token from empty stdin', args: [...D, '--hf-token-stdin'], input: '', code: 2 },
  { id: 'deploy: HF token and model access secret', args: [...D, '--hf-token-stdin', '--model-access-secret', 'hf'], input: SECRETY + '\n', code: 2 },
  { id: 'deploy: HF token with a bad adapter', args: ['deploy', '--preset', 'llama-3.1-8b-instruct', '--instance-type', 'Standard_NC24ads_A100_v4', '--hf-token-stdin', '--adapter', 'broken'], input: SECRETY + '\n', code: 2 },
  { id: 'deploy: adapter without =', args: [...D, '--adapter', 'myadapter'], code: 2 },
  { id: 'deploy: adapter with an empty image', args: [...D, '--adapter', 'a='], code: 2 },
  { id: 'deploy: adapter with an invalid name', args: [...D, '--adapter', 'Bad Name=registry.example/a:1'], code: 2 },
  { id: 'deploy: eleven adapters', args: [...D, ...Array.from({ length: 11 }, (_, i) => ['--adapter', `a${i}=registry.example/a${i}:1`]).flat()], code: 2 },
  { id: 'deploy: duplicate adapter names', args: [...D, '--adapter', 'a=registry.example/a:1', '--adapter', 'a=registry.example/b:1'], code: 2 },
  { id: 'deploy: unknown runtime', args: [...D, '--runtime', 'tensorrt'], code: 2 },
  { id: 'deploy: --from-tuning of a missing workspace', args: ['deploy', '--from-tuning', 'nope'], code: 2 },
  { id: 'deploy: --config-file not YAML', args: [...D, '--config-file', '{F:inf.yaml}'], files: { 'inf.yaml': '{{{{' }, code: 2 },
  { id: 'deploy: instance type too small for the model', args: ['deploy', '--preset', 'llama-3.3-70b-instruct', '--instance-type', 'Standard_NV36ads_A10_v5', '--model-access-secret', 'hf'], code: 2 },
  { id: 'deploy: invalid name', args: [...D, '--name', 'Deploy.Me'], code: 2 },
  // --- nodepool
  { id: 'nodepool add: no name', args: ['nodepool', 'add', '--instance-type', 'Standard_NV36ads_A10_v5'], code: 2 },
  { id: 'nodepool add: upper case and dash', args: NP('Gpu-Pool'), code: 2 },
  { id: 'nodepool add: name of 13 characters', args: NP('gpupool123456'), code: 2 },
  { id: 'nodepool add: name starting with a digit', args: NP('1gpu'), code: 2 },
  { id: 'nodepool add: shell metacharacters', args: NP('gpu;reboot'), code: 2 },
  { id: 'nodepool add: no instance type', args: ['nodepool', 'add', 'gpu'], code: 2 },
  { id: 'nodepool add: unknown instance type', args: ['nodepool', 'add', 'gpu', '--instance-type', 'Standard_D2s_v3'], code: 2 },
  { id: 'nodepool add: --count 0', args: NP('gpu', ['--count', '0']), code: 2 },
  { id: 'nodepool add: negative --count', args: NP('gpu', ['--count=-1']), code: 2 },
  { id: 'nodepool add: --count 100000', args: NP('gpu', ['--count', '100000']), code: 2 },
  { id: 'nodepool add: --count not a number', args: NP('gpu', ['--count', 'two']), code: 2 },
  { id: 'nodepool add: unknown --os-sku', args: NP('gpu', ['--os-sku', 'Windows']), code: 2 },
  { id: 'nodepool add: unknown --gpu-driver', args: NP('gpu', ['--gpu-driver', 'maybe']), code: 2 },
  { id: 'nodepool add: --os-disk-size 5', args: NP('gpu', ['--os-disk-size', '5']), code: 2 },
  { id: 'nodepool add: --taints without effect', args: NP('gpu', ['--taints', 'sku=gpu']), code: 2 },
  { id: 'nodepool add: --labels without =', args: NP('gpu', ['--labels', 'x']), code: 2 },
  { id: 'nodepool add: more vCPUs than the regional quota', args: ['nodepool', 'add', 'gpuq', '--instance-type', 'Standard_NC96ads_A100_v4', '--count', '1000'], code: 1, why: 'the input is valid; Azure quota says no (checked before creating anything)' },
  // --- chat / proxy
  { id: 'chat: --temperature 5', args: ['chat', '--temperature', '5', 'hi'], code: 2 },
  { id: 'chat: --max-tokens 0', args: ['chat', '--max-tokens', '0', 'hi'], code: 2 },
  { id: 'chat: --top-p 2', args: ['chat', '--top-p', '2', 'hi'], code: 2 },
  { id: 'chat: --endpoint not a URL', args: ['chat', '--endpoint', 'not a url', 'hi'], code: 2 },
  { id: 'chat: --endpoint file://', args: ['chat', '--endpoint', 'file:///etc/passwd', 'hi'], code: 2 },
  { id: 'chat: unknown --via', args: ['chat', '--via', 'carrier-pigeon', 'hi'], code: 2 },
  { id: 'chat: workspace that does not exist', args: ['chat', '--workspace', 'nope', 'hi'], code: 2 },
  { id: 'proxy: --port 70000', args: ['proxy', 'x', '--port', '70000'], code: 2 },
  { id: 'proxy: negative --port', args: ['proxy', 'x', '--port=-1'], code: 2 },
  { id: 'proxy: --port not a number', args: ['proxy', 'x', '--port', 'http'], code: 2 },
  { id: 'proxy: public --host without an API key', args: ['proxy', 'x', '--host', '0.0.0.0', '--port', '0'], code: 2 },
  { id: 'proxy: --api-key file missing', args: ['proxy', 'x', '--port', '0', '--api-key', '/nonexistent/key'], code: 2 },
  { id: 'proxy: --api-key too short', args: ['proxy', 'x', '--port', '0', '--api-key', '-'], input: 'abc\n', code: 2 },
  // --- datasets
  { id: 'dataset: file missing', args: ['dataset', 'validate', '/nonexistent/data.jsonl'], code: 2 },
  { id: 'dataset: empty jsonl', args: ['dataset', 'validate', '{F:d.jsonl}'], files: { 'd.jsonl': '' }, code: 2, report: true },
  { id: 'dataset: jsonl that is not JSON', args: ['dataset', 'validate', '{F:d.jsonl}'], files: { 'd.jsonl': 'hello\nworld\n' }, code: 2, report: true },
  { id: 'dataset: jsonl with NUL bytes', args: ['dataset', 'validate', '{F:d.jsonl}'], files: { 'd.jsonl': Buffer.from('{"prompt":"a\0","completion":"b"}\n\0\0\0\n') }, code: 2, report: true },
  { id: 'dataset: records of an unknown shape', args: ['dataset', 'validate', '{F:d.jsonl}'], files: { 'd.jsonl': '{"question":"a","answer":"b"}\n'.repeat(20) }, code: 2, report: true },
  { id: 'dataset: parquet that is garbage', args: ['dataset', 'validate', '{F:d.parquet}'], files: { 'd.parquet': Buffer.from('PAR1 this is not parquet at all PAR1') }, code: 2 },
  { id: 'dataset: csv without columns', args: ['dataset', 'validate', '{F:d.csv}'], files: { 'd.csv': '\n\n\n' }, code: 2, report: true },
  { id: 'dataset: unsupported extension', args: ['dataset', 'validate', '{F:d.xlsx}'], files: { 'd.xlsx': 'PK\u0003\u0004' }, code: 2 },
  { id: 'dataset: ftp URL', args: ['dataset', 'validate', 'ftp://example.com/d.jsonl'], code: 2 },
  { id: 'dataset: one line of 20 MiB', args: ['dataset', 'validate', '{F:d.jsonl}'], files: { 'd.jsonl': `{"prompt":"${'y'.repeat(20 * 1024 * 1024)}"\n` }, code: 2, report: true },
  // --- registries (issue 13): refused before any request
  { id: 'dataset push: file missing', args: ['dataset', 'push', '/nonexistent/data.jsonl', 'registry.kaito-sandbox.test/a/b:v1'], code: 2 },
  { id: 'dataset push: empty file', args: ['dataset', 'push', '{F:d.jsonl}', 'registry.kaito-sandbox.test/a/b:v1'], files: { 'd.jsonl': '' }, code: 2 },
  { id: 'dataset push: no IMAGE', args: ['dataset', 'push', '{F:d.jsonl}'], files: { 'd.jsonl': '{"prompt":"a","completion":"b"}\n' }, code: 2 },
  { id: 'dataset push: upper-case repository', args: ['dataset', 'push', '{F:d.jsonl}', 'registry.kaito-sandbox.test/Team/B:v1'], files: { 'd.jsonl': '{"prompt":"a","completion":"b"}\n' }, code: 2 },
  { id: 'dataset push: an image URL', args: ['dataset', 'push', '{F:d.jsonl}', 'https://registry.kaito-sandbox.test/a/b:v1'], files: { 'd.jsonl': '{"prompt":"a","completion":"b"}\n' }, code: 2 },
  { id: 'adapter pull: bad --max-size', args: ['adapter', 'pull', 'registry.kaito-sandbox.test/a/b:v1', '/tmp/kaito-never', '--max-size', 'huge'], code: 2 },
  { id: 'adapter inspect: bad digest', args: ['adapter', 'inspect', 'registry.kaito-sandbox.test/a/b@sha256:xyz'], code: 2 },
  { id: 'tune: local dataset with nowhere to push', args: tune(['--dataset', '--output-image', '--push-secret'], ['--dataset', '{F:d.jsonl}', '--output-pvc', 'out']), files: { 'd.jsonl': '{"prompt":"a","completion":"b"}\n' }, code: 2 },
  // --- kaito.yaml
  { id: 'kaito.yaml: not YAML', args: ['list'], files: { 'kaito.yaml': 'cluster: [unclosed\n' }, code: 2 },
  { id: 'kaito.yaml: a list instead of a map', args: ['list'], files: { 'kaito.yaml': '- a\n- b\n' }, code: 2 },
  { id: 'kaito.yaml: unknown key', args: ['list'], files: { 'kaito.yaml': 'clsuter:\n  namespace: default\n' }, code: 2 },
  { id: 'kaito.yaml: holds a password', args: ['list'], files: { 'kaito.yaml': `tune:\n  registryPassword: ${SECRETY}\n` }, code: 2 },
  { id: 'kaito.yaml: bad namespace', args: ['list'], files: { 'kaito.yaml': 'cluster:\n  namespace: Bad NS\n' }, code: 2 },
  { id: 'kaito.yaml: NUL bytes', args: ['list'], files: { 'kaito.yaml': Buffer.from('cluster:\0\n  namespace: default\0\n') }, code: 2 },
  { id: 'kaito.yaml: YAML alias bomb', args: ['list'], files: { 'kaito.yaml': 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ncluster: *f\n' }, code: 2 },
  { id: 'kaito.yaml: bad tune preset', args: ['tune', '--dataset', '{DS}', '--output-pvc', 'out', '--instance-type', 'Standard_NV36ads_A10_v5'], files: { 'kaito.yaml': 'tune:\n  preset: mistral-7b\n' }, code: 2 },
  // --- init and render
  { id: 'init --no-input with answers missing', args: ['init', '--no-input'], code: 2 },
  { id: 'render tune without a preset', args: ['render', 'tune', '--dataset', '{DS}'], code: 2 },
  { id: 'render tune --output-dir on a file', args: ['render', 'tune', '--preset', 'phi-4', '--dataset', '{DS}', '--output-pvc', 'o', '--instance-type', 'Standard_NC24ads_A100_v4', '--output-dir', '{F:file}'], files: { file: 'x' }, code: 1, why: 'a filesystem error while writing local files (nothing touches the cluster); the message names the path and the fix' },
  { id: 'presets show unknown', args: ['presets', 'show', 'nope'], code: 2 },
  { id: 'completion for an unknown shell', args: ['completion', 'powershell'], code: 2 },
];
