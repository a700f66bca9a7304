// CSV (RFC 4180: quoted fields, "" escapes, newlines inside quotes, CRLF): a header row names the columns,
// every later row is one record of strings, which is what the trainer's CSV loader produces.
import { formatMiB, type RecordSink, type TextReaderOptions } from './sink.js';

export async function readCsv(chunks: AsyncIterable<Buffer>, sink: RecordSink, opts: TextReaderOptions): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let header: string[] | null = null;
  let row: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let afterQuote = false; // just saw a closing quote (or the first of "")
  let rowBytes = 0;
  let line = 1;
  let rowLine = 1;
  let record = 0;
  let fieldStarted = false;

  const endRow = () => {
    row.push(field);
    field = '';
    fieldStarted = false;
    const r = row;
    row = [];
    rowBytes = 0;
    const thisLine = rowLine;
    rowLine = line;
    if (r.length === 1 && r[0] === '') return; // blank line
    if (header === null) {
      header = r.map((h) => h.trim());
      return;
    }
    const loc = { record: record++, line: thisLine };
    if (r.length !== header.length) return sink.addBroken('invalid-csv', loc, `the row has ${r.length} fields, the header has ${header.length}`);
    const rec: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) rec[header[i]] = r[i];
    sink.add(rec, loc);
  };

  const consume = (text: string): boolean => {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (++rowBytes > opts.maxRecordBytes) {
        sink.addBroken('record-too-large', { record, line: rowLine }, `the row is larger than ${formatMiB(opts.maxRecordBytes)}; stopped reading`);
        return false;
      }
      if (quoted) {
        if (c === '"') {
          quoted = false;
          afterQuote = true;
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === '"') {
          // "" inside a quoted field is one quote
          field += '"';
          quoted = true;
          continue;
        }
      }
      if (c === '"' && !fieldStarted) {
        quoted = true;
        fieldStarted = true;
      } else if (c === ',') {
        row.push(field);
        field = '';
        fieldStarted = false;
      } else if (c === '\n') {
        line++;
        if (field.endsWith('\r') && !afterQuote) field = field.slice(0, -1);
        endRow();
      } else if (c === '\r') {
        // CRLF: the \n ends the row; a lone \r stays data
        field += c;
      } else {
        field += c;
        fieldStarted = true;
      }
    }
    return true;
  };

  try {
    for await (const chunk of chunks) if (!consume(decoder.decode(chunk, { stream: true }))) return;
    if (!consume(decoder.decode())) return;
  } catch (e) {
    if (e instanceof TypeError && /decode|encoded|utf/i.test(e.message)) {
      sink.addBroken('invalid-utf8', { record, line }, 'the file is not valid UTF-8 text from here on; stopped reading');
      return;
    }
    throw e;
  }
  if (opts.truncated()) return;
  if (quoted) return sink.addBroken('invalid-csv', { record, line: rowLine }, 'a quoted field is never closed (truncated file?)');
  if (field !== '' || row.length > 0) endRow();
}
