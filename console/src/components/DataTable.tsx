// A dense data table for every console list: click a column header to sort (again to reverse),
// type in the filter box to keep the rows whose visible text contains every typed word.
import { type ReactNode, useMemo, useState } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  /** The value to sort and filter by; numbers and ISO dates sort naturally. */
  value: (row: T) => string | number | boolean | null | undefined;
  /** What to show; the text of value() when absent. */
  render?: (row: T) => ReactNode;
  sortable?: boolean;
  align?: 'left' | 'right' | 'center';
  width?: string;
  /** Keep the cell on one line (dates, codes). */
  nowrap?: boolean;
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined || a === '') return 1;
  if (b === null || b === undefined || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? -1 : 1;
  return collator.compare(String(a), String(b));
}

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  label,
  initialSort,
  filterPlaceholder = 'Filter…',
  toolbar,
  emptyMessage = 'Nothing to show.',
  onRowClick,
  selectedKey,
  loading,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Accessible name of the table, e.g. 'Users'. */
  label: string;
  initialSort?: SortState;
  filterPlaceholder?: string;
  toolbar?: ReactNode;
  emptyMessage?: string;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  loading?: boolean;
}) {
  const [sort, setSort] = useState<SortState | null>(initialSort ?? null);
  const [filter, setFilter] = useState('');

  const shown = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    let out = rows.slice();
    if (words.length) {
      out = out.filter((r) => {
        const text = columns
          .map((c) => c.value(r))
          .filter((v) => v !== null && v !== undefined)
          .join(' ')
          .toLowerCase();
        return words.every((w) => text.includes(w));
      });
    }
    if (sort) {
      const col = columns.find((c) => c.key === sort.key);
      if (col) {
        const sign = sort.dir === 'asc' ? 1 : -1;
        out.sort((a, b) => sign * compare(col.value(a), col.value(b)));
      }
    }
    return out;
  }, [rows, columns, filter, sort]);

  const toggle = (key: string) =>
    setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));

  return (
    <div className="datatable">
      <div className="datatable-toolbar">
        <input
          type="search"
          className="filter"
          placeholder={filterPlaceholder}
          aria-label={`Filter ${label.toLowerCase()}`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="count" aria-live="polite">
          {loading ? 'Loading…' : filter ? `${shown.length} of ${rows.length}` : `${rows.length} total`}
        </span>
        <div className="spacer" />
        {toolbar}
      </div>
      <div className="table-scroll">
        <table className="table" aria-label={label}>
          <thead>
            <tr>
              {columns.map((c) => {
                const sortable = c.sortable !== false && c.header !== '';
                const dir = sort?.key === c.key ? sort.dir : null;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    style={{ width: c.width, textAlign: c.align }}
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
                  >
                    {sortable ? (
                      <button type="button" className="sort" onClick={() => toggle(c.key)}>
                        {c.header}
                        <span className="sort-mark" aria-hidden="true">
                          {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="empty">
                  {loading ? 'Loading…' : filter ? 'No row matches the filter.' : emptyMessage}
                </td>
              </tr>
            )}
            {shown.map((r) => {
              const k = rowKey(r);
              return (
                <tr
                  key={k}
                  className={`${onRowClick ? 'clickable' : ''}${selectedKey === k ? ' selected' : ''}`}
                  onClick={onRowClick ? () => onRowClick(r) : undefined}
                  aria-selected={onRowClick ? selectedKey === k : undefined}
                >
                  {columns.map((c) => (
                    <td
                      key={c.key}
                      style={{ textAlign: c.align }}
                      className={c.nowrap ? 'nowrap' : undefined}
                    >
                      {c.render ? c.render(r) : String(c.value(r) ?? '—')}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
