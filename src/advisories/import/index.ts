// Pure import converters for advisories: OSV (files, directories, zip archives), the CISA KEV
// catalogue and CVSS scoring. Bytes or paths in, typed records out; no database, no HTTP.
export * from './cvss.ts';
export * from './kev.ts';
export * from './osv.ts';
export * from './osv-thread.ts';
export type { OsvTaskInput } from './thread.ts';
export * from './epss.ts';
export * from './csaf.ts';
