// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF, a BOM at the start. Returns
// rows as records keyed by the header, lower-cased and trimmed. Pure.
import { ImportError } from '../../formats/index.ts';

export function readCsv(text: string, what: string): { header: string[]; rows: Record<string, string>[] } {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) throw new ImportError('schema', `${what}: a quoted field is not closed`);
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
  if (nonEmpty.length === 0) throw new ImportError('schema', `${what}: the file is empty`);
  const header = nonEmpty[0]!.map((h) => h.trim().toLowerCase());
  const rows = nonEmpty.slice(1).map((r, n) => {
    if (r.length !== header.length)
      throw new ImportError(
        'schema',
        `${what}: line ${n + 2} has ${r.length} fields, the header ${header.length}`,
        [{ pointer: `/${n + 1}`, detail: `expected ${header.length} fields` }],
      );
    return Object.fromEntries(header.map((h, k) => [h, r[k]!.trim()]));
  });
  return { header, rows };
}
