// Reading a zip archive nobody vouches for: streamed entry by entry with hard limits, refused
// whole on the first sign of hostility (zip bomb, path traversal, absolute path, symlink,
// encrypted entry, too many entries, corrupt archive), because none of its contents can then be
// trusted. An entry over the per-entry limit is not hostile: the caller hears of it and the rest
// is still read. The archive comes from a path or from bytes already in memory (an upload is
// never written to a temporary file). Converters (OSV today) decide what an entry means.
import yauzl from 'yauzl';
import { ImportError } from './errors.ts';

export interface ZipLimits {
  /** Most entries the archive may declare (files and directories). */
  maxEntries: number;
  /** Most bytes all entries may decompress to. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio for an entry bigger than ratioFloorBytes. */
  maxCompressionRatio: number;
  /** Entries smaller than this are not ratio-checked (tiny files compress oddly, harmlessly). */
  ratioFloorBytes: number;
  /** Largest single entry handed to the caller; a bigger one goes to `tooLarge`. */
  maxEntryBytes: number;
}

export interface ZipVisitor {
  /** Whether an entry (by its name in the archive) is read at all; others are skipped. */
  wants(name: string): boolean;
  /** An entry's bytes. An exception refuses the archive (an ImportError keeps its message). */
  entry(name: string, bytes: Buffer): void;
  /** An entry over `maxEntryBytes`: reported, not read. */
  tooLarge(name: string, size: number): void;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Why an entry name is refused, or undefined when it is a plain relative path. */
function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'escapes the archive (..)';
  if (name.includes('\u0000')) return 'contains a NUL character';
  return undefined;
}

export function archiveError(zip: string, why: string, limit?: ImportError['limit']): ImportError {
  return new ImportError(
    'archive',
    `Refused zip archive ${zip}: ${why}. Nothing from it was imported.`,
    [],
    limit,
  );
}

function translateYauzlError(path: string, err: Error, file = path): ImportError {
  // A file system error names the file it read: show the archive's name instead.
  const m = err.message.split(file).join(path);
  if (/absolute path|invalid relative path|invalid characters in fileName/.test(m)) {
    return archiveError(path, `unsafe entry name (${m})`);
  }
  return archiveError(path, `not a readable zip archive (${m})`);
}

/** True when the bytes start with a zip local-file header (a file's first four bytes). */
export function startsWithZipMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/**
 * Reads every wanted entry of the archive at `source` (a path, or its bytes) in archive order,
 * handing each to `visit.entry`. `name` is how the archive is shown in messages (an upload is
 * named by what the client sent, never by a server path). Throws ImportError('archive') and
 * stops at the first hostile sign; the caller should stage what it converts and keep it only
 * when this returns.
 */
export async function readZipEntries(
  source: string | Buffer,
  lim: ZipLimits,
  visit: ZipVisitor,
  name = typeof source === 'string' ? source : 'archive.zip',
): Promise<void> {
  const path = name;
  const file = typeof source === 'string' ? source : path;
  const options = { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: true };
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (err: Error | null, zf?: yauzl.ZipFile) => {
      if (err || !zf) reject(translateYauzlError(path, err ?? new Error('no archive'), file));
      else resolve(zf);
    };
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(source, options, done);
  });
  try {
    if (zipfile.entryCount > lim.maxEntries) {
      throw archiveError(path, `it declares ${zipfile.entryCount} entries; the limit is ${lim.maxEntries}`, {
        name: 'archive-entries',
        value: lim.maxEntries,
      });
    }
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: unknown): void => {
        if (failed) return;
        failed = true;
        zipfile.close();
        reject(err instanceof ImportError ? err : translateYauzlError(path, err as Error, file));
      };
      zipfile.on('error', fail);
      zipfile.on('end', () => {
        if (!failed) resolve();
      });
      zipfile.on('entry', (entry: yauzl.Entry) => {
        const entryName = entry.fileName;
        const why = unsafeEntryName(entryName);
        if (why) return fail(archiveError(path, `entry ${JSON.stringify(entryName)} ${why}`));
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
        if (mode === S_IFLNK)
          return fail(archiveError(path, `entry ${JSON.stringify(entryName)} is a symbolic link`));
        if (entryName.endsWith('/')) return zipfile.readEntry();
        if (entry.isEncrypted())
          return fail(archiveError(path, `entry ${JSON.stringify(entryName)} is encrypted`));
        const size = entry.uncompressedSize;
        total += size;
        if (total > lim.maxTotalBytes) {
          return fail(
            archiveError(path, `its entries decompress to more than ${lim.maxTotalBytes} bytes`, {
              name: 'archive-inflated-bytes',
              value: lim.maxTotalBytes,
            }),
          );
        }
        if (
          size >= lim.ratioFloorBytes &&
          size / Math.max(entry.compressedSize, 1) > lim.maxCompressionRatio
        ) {
          const ratio = Math.round(size / Math.max(entry.compressedSize, 1));
          return fail(
            archiveError(
              path,
              `entry ${JSON.stringify(entryName)} has a compression ratio of ${ratio}:1 (limit ${lim.maxCompressionRatio}:1), a zip bomb`,
            ),
          );
        }
        if (!visit.wants(entryName)) return zipfile.readEntry();
        if (size > lim.maxEntryBytes) {
          visit.tooLarge(entryName, size);
          return zipfile.readEntry();
        }
        zipfile.openReadStream(entry, (err, stream) => {
          if (err) return fail(err);
          const chunks: Buffer[] = [];
          let got = 0;
          stream.on('data', (chunk: Buffer) => {
            got += chunk.length;
            // yauzl also checks this (validateEntrySizes); counting here bounds memory even so.
            if (got > size || got > lim.maxEntryBytes) {
              stream.destroy();
              fail(
                archiveError(
                  path,
                  `entry ${JSON.stringify(entryName)} decompresses to more than it declares`,
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          stream.on('error', fail);
          stream.on('end', () => {
            if (failed) return;
            try {
              visit.entry(entryName, Buffer.concat(chunks, got));
            } catch (e) {
              return fail(e);
            }
            zipfile.readEntry();
          });
        });
      });
      zipfile.readEntry();
    });
  } finally {
    zipfile.close();
  }
}
