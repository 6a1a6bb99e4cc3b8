// LIKE patterns built from user or reference text: the text's own \, % and _ match only themselves
// (PostgreSQL's default escape character is the backslash, on both databases).

/** `s` with LIKE's wildcards and escape character escaped. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The pattern of the region codes below `region` in the tree ('BW-N' → 'BW-N-%'). */
export function belowRegion(region: string): string {
  return `${escapeLike(region)}-%`;
}
