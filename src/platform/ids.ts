// Time-ordered record ids: UUID version 7 (RFC 9562, section 5.7), for tables that grow to
// millions of rows. A random (version 4) primary key sends each insert to a random leaf page of
// every B-tree that leads with it, so past the cache each insert reads and dirties a different
// page; version 7 ids begin with the Unix time in milliseconds, so new rows land on the index's
// right edge, as a sequence's would, while the ids stay unguessable (74 random bits) and as
// opaque to clients as before. They reveal when a record was created, to the millisecond.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(16 * 256);
let next = pool.length;
let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7: 48 bits of Unix milliseconds, then 12 bits that count up within one millisecond (from
 * a random start, RFC 9562 section 6.2 method 1), so ids made by one process are strictly
 * increasing, then 62 random bits.
 */
export function uuidv7(now = Date.now()): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const b = pool.subarray(next, next + 16);
  next += 16;
  let ms = now;
  if (ms > lastMs) {
    lastMs = ms;
    sequence = b[6]! & 0x07; // a random start that leaves room to count up
  } else {
    ms = lastMs;
    sequence++;
    if (sequence > 0xfff) {
      // 4,096 ids in one millisecond: borrow the next one (still increasing).
      lastMs = ++ms;
      sequence = 0;
    }
  }
  const hex = (ms.toString(16).padStart(12, '0') + (0x7000 | sequence).toString(16)).padEnd(16, '0');
  b[8] = (b[8]! & 0x3f) | 0x80; // the variant
  const tail = b.toString('hex', 8, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}
