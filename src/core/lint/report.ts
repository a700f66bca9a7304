// `kaito lint` output: human (grouped by file, the offending line shown), JSON (docs/output.md) and SARIF 2.1.0
// (OASIS standard; GitHub code scanning reads it and shows findings inline in pull requests).
import { RULES, RULE_IDS, type Finding } from './types.js';
import type { LintResult } from './index.js';

export interface Summary { errors: number; warnings: number }

export function summarize(findings: Finding[]): Summary {
  return { errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length };
}

export interface HumanStyle {
  error(s: string): string;
  warning(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}
const plain: HumanStyle = { error: (s) => s, warning: (s) => s, dim: (s) => s, bold: (s) => s };

/** file
 *    12:5  error  message  [rule]
 *       12 |     - "http://..."
 *          |       ^
 *       fix: ... */
export function formatHuman(result: LintResult, sources: Map<string, string>, style: HumanStyle = plain): string {
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, fs] of byFile) {
    out.push(style.bold(file));
    const lines = (sources.get(file) ?? '').split('\n');
    for (const f of fs) {
      const sev = f.severity === 'error' ? style.error('error') : style.warning('warning');
      out.push(`  ${f.line}:${f.column}  ${sev}  ${f.message}  ${style.dim(`[${f.rule}]`)}`);
      const text = lines[f.line - 1];
      if (text !== undefined) {
        const num = String(f.line);
        out.push(style.dim(`    ${num} | `) + text.replace(/\t/g, ' '));
        out.push(style.dim(`    ${' '.repeat(num.length)} | `) + ' '.repeat(Math.max(0, f.column - 1)) + '^');
      }
      out.push(`    fix: ${f.fix}`);
    }
    out.push('');
  }
  const s = summarize(result.findings);
  const checked = `${result.workspaces} workspace${result.workspaces === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'}`;
  out.push(result.findings.length ? `${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'} (${checked})` : `no problems (${checked})`);
  return out.join('\n') + '\n';
}

export function toJSONReport(result: LintResult, kaitoVersion: string): object {
  return {
    kaitoVersion,
    files: result.files,
    workspaces: result.workspaces,
    configMaps: result.configMaps,
    summary: summarize(result.findings),
    findings: result.findings.map((f) => ({
      file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
      rule: f.rule, severity: f.severity, message: f.message, fix: f.fix, path: f.path, ...(f.object ? { object: f.object } : {}),
    })),
  };
}

/** A relative file name as a SARIF artifact URI (forward slashes, each segment percent-encoded). */
function artifactUri(file: string): string {
  const p = file === '<stdin>' ? 'stdin' : file.replace(/\\/g, '/').replace(/^\.\//, '');
  return p.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

export function toSarif(result: LintResult, kaitoVersion: string, toolVersion: string): object {
  const rules = RULE_IDS.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: RULES[id].summary },
    defaultConfiguration: { level: RULES[id].severity === 'error' ? 'error' : 'warning' },
    helpUri: 'https://github.com/kaito-project/kaito',
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kaito lint', semanticVersion: toolVersion, informationUri: 'https://github.com/kaito-project/kaito', rules } },
        properties: { kaitoVersion },
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: RULE_IDS.indexOf(f.rule),
          level: f.severity === 'error' ? 'error' : 'warning',
          message: { text: `${f.message}. Fix: ${f.fix}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.file) },
                region: { startLine: f.line, startColumn: f.column, endLine: Math.max(f.line, f.endLine), endColumn: f.endLine > f.line || f.endColumn > f.column ? f.endColumn : f.column + 1 },
              },
            },
          ],
        })),
      },
    ],
  };
}
