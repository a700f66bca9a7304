// `kaito chat [PROMPT]`: one-shot when a PROMPT is given or stdin is piped (stdout carries only the
// answer, or the -o json document), a REPL on a terminal otherwise. See src/inference/ for the client.
import type { CommandContext } from '../../cli/context.js';
import { OperationError, UsageError } from '../../errors.js';
import { ChatClient } from '../../inference/client.js';
import { connect, type Via } from '../../inference/connect.js';
import { connectDeps } from '../shared/inference.js';
import { chooseModel } from '../../inference/models.js';
import { paramsFromFlags } from '../../inference/params.js';
import { runRepl } from '../../inference/repl.js';
import { ChatSession } from '../../inference/session.js';
import type { ModelInfo } from '../../inference/types.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { OUTPUT_CHAT as OUTPUT } from '../output-formats.js';

export interface ChatFlags {
  workspace?: string;
  model?: string;
  system?: string;
  temperature?: string;
  maxTokens?: string;
  topP?: string;
  stream: boolean;
  endpoint?: string;
  via?: Via;
}

export async function run(ctx: CommandContext, flags: ChatFlags, args: unknown[]): Promise<number> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.chat, 'text');
  const params = paramsFromFlags(flags);
  const words = (args[0] as string[] | undefined) ?? [];
  let prompt: string | undefined = words.length > 0 ? words.join(' ') : undefined;
  const interactive = prompt === undefined && ctx.io.stdinIsTTY;
  if (interactive && !ctx.io.canPrompt) throw new UsageError('no PROMPT given and prompting is off (--no-input or CI)', 'pass the question as an argument or pipe it on stdin: `echo hi | kaito chat`');
  if (interactive && format === 'json') throw new UsageError('-o json needs a one-shot question', 'pass PROMPT as an argument or on stdin');
  if (prompt === undefined && !interactive) {
    prompt = (await readAll(ctx.io.in)).trim();
    if (prompt === '') throw new UsageError('no PROMPT: stdin was empty', 'pass the question as an argument or pipe it on stdin');
  }

  const conn = await connect(connectDeps(ctx), { workspace: flags.workspace, endpoint: flags.endpoint, via: flags.via });
  try {
    const client = new ChatClient(conn.transport, {
      onRetry: (r) => ctx.debug(`inference server busy (${r.status}); retry ${r.attempt} in ${r.delayMs} ms`),
    });
    const listed = await client.listModels(ctx.signal);
    let model: string;
    let models: ModelInfo[] = [];
    if (listed === 'legacy') {
      model = flags.model ?? conn.workspace?.preset ?? 'default';
      ctx.debug('no /v1/models on this server: using the legacy POST /chat API');
    } else {
      models = listed;
      model = chooseModel(listed, flags.model, conn.workspace?.adapters ?? []).model;
    }
    ctx.debug(`model ${model} via ${conn.transport.description}`);
    const session = new ChatSession(client, model, flags.system, params, flags.stream, models);

    if (interactive) {
      const where = conn.workspace ? `workspace ${conn.workspace.name}` : conn.transport.description;
      return await runRepl(
        session,
        { input: ctx.io.in, out: ctx.io.out, err: ctx.io.err, terminal: true, dim: ctx.io.color.dim },
        `chatting with ${model} (${where}${listed === 'legacy' ? ', legacy /chat API' : ''})`,
        ctx.signal,
      );
    }

    let printed = '';
    let result;
    try {
      result = await session.ask(prompt!, (t) => {
        if (format !== 'text') return;
        printed += t;
        ctx.io.print(t);
      }, ctx.signal);
    } catch (e) {
      // a partial answer keeps its own line; the error follows on stderr
      if (printed !== '' && !printed.endsWith('\n')) ctx.io.print('\n');
      throw e;
    }
    if (result.content === '') throw new OperationError(`${model} returned an empty answer${result.finish_reason ? ` (finish_reason ${result.finish_reason})` : ''}`, 'try again, or raise --max-tokens');
    if (format === 'json') printResult(ctx.io, 'json', { document: result });
    else if (!printed.endsWith('\n')) ctx.io.print('\n');
    return 0;
  } finally {
    await conn.transport.close();
  }
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of input) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts).toString('utf8');
}
