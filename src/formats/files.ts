// Reading an input file for a converter without trusting its size: the limit is checked on the
// file's size before reading and again while streaming (the file may grow, or be a device).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ImportError } from './errors.ts';

export async function readFileWithLimit(path: string, maxBytes: number): Promise<Buffer> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ImportError('io', `${path} is not a regular file.`);
    size = st.size;
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError('io', `Cannot read ${path}: ${(err as Error).message}`);
  }
  if (size > maxBytes)
    throw new ImportError('too-large', `${path} is ${size} bytes; the limit is ${maxBytes} bytes.`);
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    got += buf.length;
    if (got > maxBytes) {
      throw new ImportError(
        'too-large',
        `${path} grew past the limit of ${maxBytes} bytes while being read.`,
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, got);
}
