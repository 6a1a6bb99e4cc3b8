// The formats layer's surface: what every import converter shares, whatever the domain. Bounded
// reading (size-limited files and command-line inputs, strict UTF-8 JSON with a depth limit), the
// one ImportError and its mapping to the error catalogue, JSON-schema validation with
// pointer-addressed errors, package identity (purl → OSV ecosystem and normalized name; CPE names
// and their matching, cpe.ts), version ranges as CSAF gives them (vers.ts), and a
// zip reader for archives nobody vouches for (zip.ts). The
// version orders have their own surface, src/formats/versions/index.ts. Pure: no database, no
// HTTP; imports only platform.
export * from './cpe.ts';
export * from './ecosystems.ts';
export * from './errors.ts';
export * from './files.ts';
export * from './input.ts';
export * from './json-schema.ts';
export * from './problems.ts';
export * from './purl.ts';
export * from './threads.ts';
export * from './vers.ts';
export * from './zip.ts';
