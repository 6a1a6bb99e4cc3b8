// CSV presentations of the metrics answers (RFC 4180; the same fields as the JSON, flattened), so a
// spreadsheet or a BI tool gets exactly what the page shows, suppressed cells included as blanks.

type Cell = string | number | boolean | null | undefined;

function field(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Math.round(v * 1e6) / 1e6);
  const s = String(v);
  // A leading = + - @ would run as a formula in a spreadsheet: quoted and prefixed with '.
  if (/^[=+\-@]/.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly Record<string, Cell>[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return `${[cols.join(','), ...rows.map((r) => cols.map((c) => field(r[c])).join(','))].join('\r\n')}\r\n`;
}

/** A region row with its security figures flattened beside it. */
export function flattenFigures(prefix: Record<string, Cell>, figures: object): Record<string, Cell> {
  const out: Record<string, Cell> = { ...prefix };
  for (const [k, v] of Object.entries(figures)) out[k] = Array.isArray(v) ? v.join(' ') : (v as Cell);
  return out;
}
