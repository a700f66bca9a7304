// The record of what ran: one entry per step, printed as a table at the end (stderr) and, with -o json,
// as the one document on stdout:
//   { ok, speed, totalMs, failedStep?, steps: [{ name, command, exitCode, ms, pid?, error? }] }
import { formatDuration } from '../../core/duration.js';
import { formatTable } from '../../ui/printer.js';

export interface StepRecord {
  name: string;
  command: string;
  /** the child's exit code (0 = passed) */
  exitCode: number;
  ms: number;
  /** process id of the child that ran it */
  pid?: number;
  /** why a step whose command exited 0 still failed (e.g. the HTTP request through the proxy) */
  error?: string;
}

export interface DemoDocument {
  ok: boolean;
  speed: number;
  totalMs: number;
  failedStep?: string;
  steps: StepRecord[];
}

export function stepFailed(s: StepRecord): boolean {
  return s.exitCode !== 0 || s.error !== undefined;
}

export function summaryDocument(steps: StepRecord[], speed: number, totalMs: number): DemoDocument {
  const failed = steps.find(stepFailed);
  return { ok: failed === undefined, speed, totalMs, ...(failed ? { failedStep: failed.name } : {}), steps };
}

export function summaryTable(steps: StepRecord[], totalMs: number): string {
  const rows = steps.map((s) => [s.name, stepFailed(s) ? `failed (exit ${s.exitCode}${s.error ? `: ${s.error}` : ''})` : 'ok', formatDuration(s.ms)]);
  rows.push(['total', '', formatDuration(totalMs)]);
  return formatTable(['step', 'result', 'time'], rows);
}
