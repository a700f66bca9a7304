// A small YAML emitter for the rendered manifests and training_config.yaml, so `kaito render` does not
// run the `yaml` library's stringifier (its first, JIT-cold call costs more start-up time than the rest
// of rendering). It writes exactly what YAML.stringify(value, { lineWidth: 0, aliasDuplicateObjects:
// false, version: '1.1' }) writes, for the shapes renders produce: maps, lists, strings, finite numbers,
// booleans and null. It is conservative: whenever a value is outside what it can prove it spells the
// same way (a string starting with a digit, unusual characters, nested lists, a non-finite number, ...)
// it returns null and the caller uses the library. A unit test checks it against the library.

// YAML 1.1 resolves these plain scalars to booleans or null; as strings they must be quoted
const BOOL_OR_NULL_11 = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF|~|[Nn]ull|NULL)$/;
// starts with a letter, '_' or '/', so it cannot be a number, timestamp or indicator; a small safe alphabet
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./:@=+ -]*$/;
// digits and dots only (a version, a decimal): YAML 1.1 reads it as a number when it is an int or a float
const DIGITS_AND_DOTS = /^[0-9][0-9.]*$/;
const NUMBER_11 = /^(?:[0-9]+|[0-9]*\.[0-9]*)$/;
// printable ASCII lines for a literal block
const BLOCK_LINE = /^[\x20-\x7e]*$/;

class Unsupported extends Error {}

function scalarString(s: string): string {
  if (s === '') return '""';
  if (DIGITS_AND_DOTS.test(s)) return NUMBER_11.test(s) ? `"${s}"` : s;
  if (!PLAIN.test(s) || s.endsWith(' ') || s.endsWith(':') || s.includes(': ') || s.includes('  ')) throw new Unsupported();
  return BOOL_OR_NULL_11.test(s) ? `"${s}"` : s;
}

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) throw new Unsupported();
    return JSON.stringify(v);
  }
  if (typeof v === 'string') return scalarString(v);
  throw new Unsupported();
}

/** `|` literal block for a multi-line string: only the plain case (one final newline, no blank or indented-first lines). */
function block(s: string, indent: string): string {
  if (!s.endsWith('\n') || s.endsWith('\n\n')) throw new Unsupported();
  const lines = s.slice(0, -1).split('\n');
  if (lines[0].startsWith(' ')) throw new Unsupported();
  for (const l of lines) if (l === '' || l.endsWith(' ') || !BLOCK_LINE.test(l)) throw new Unsupported();
  return '|\n' + lines.map((l) => indent + l).join('\n') + '\n';
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** `key: value` lines of a map at `indent`. */
function mapLines(m: Record<string, unknown>, indent: string): string {
  let out = '';
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined) throw new Unsupported();
    out += indent + scalarString(k) + ':' + valueAfterKey(v, indent);
  }
  return out;
}

/** What follows `key:` (a space and a scalar, or a newline and a nested block). */
function valueAfterKey(v: unknown, indent: string): string {
  const inner = indent + '  ';
  if (typeof v === 'string' && v.includes('\n')) return ' ' + block(v, inner);
  if (Array.isArray(v)) return v.length === 0 ? ' []\n' : '\n' + seqLines(v, inner);
  if (isMap(v)) return Object.keys(v).length === 0 ? ' {}\n' : '\n' + mapLines(v, inner);
  return ' ' + scalar(v) + '\n';
}

/** `- item` lines of a list at `indent`; a map item starts on the dash line. */
function seqLines(a: unknown[], indent: string): string {
  let out = '';
  for (const v of a) {
    if (v === undefined || Array.isArray(v) || (typeof v === 'string' && v.includes('\n'))) throw new Unsupported();
    if (isMap(v)) {
      if (Object.keys(v).length === 0) {
        out += indent + '- {}\n';
        continue;
      }
      // the first key sits after "- ", the others align with it
      out += indent + '- ' + mapLines(v, indent + '  ').slice(indent.length + 2);
    } else out += indent + '- ' + scalar(v) + '\n';
  }
  return out;
}

/** The document for a top-level map, or null when the `yaml` library must write it. */
export function emitYAML(doc: unknown): string | null {
  if (!isMap(doc)) return null;
  try {
    return Object.keys(doc).length === 0 ? '{}\n' : mapLines(doc, '');
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
