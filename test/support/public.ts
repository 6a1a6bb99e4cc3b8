// What tests of the public reporting portal share: a loose JSON client for a server, the proof of
// work a report must carry (solved against the server's own challenge), and a phone photo whose
// EXIF carries a canary and a GPS position, to show the stored copy has neither.
import assert from 'node:assert/strict';
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import sharp from 'sharp';

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are read loosely
  json: any;
  text: string;
  headers: Headers;
}

/** A client for `base`: JSON bodies in, the answer's status, text and (when it parses) JSON out. */
export function jsonClient(base: () => string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json, text, headers: res.headers };
  };
}

/** A fresh challenge from the server at `base`, solved: the `pow` member of a public report. */
export async function solvedPow(base: string) {
  const challenge = (await (await fetch(`${base}/api/v1/public/challenge`)).json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  assert.ok(solution, 'the proof of work was solved');
  return {
    challenge: { parameters: challenge.parameters, signature: challenge.signature },
    solution: { counter: solution.counter, derivedKey: solution.derivedKey },
  };
}

/** A small JPEG as a phone takes it: the owner's name (`canary`) and a GPS position in its EXIF. */
export function exifPhoto(canary: string, background = { r: 10, g: 120, b: 200 }): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background } })
    .jpeg()
    .withExif({
      IFD0: { Artist: canary, Copyright: canary },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '39/1 54/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '116/1 23/1 0/1',
      },
    })
    .toBuffer();
}
