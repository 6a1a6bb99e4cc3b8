// The logic behind `bulwark versions compare ECOSYSTEM`: lines "A B" in, one of `<`, `=`, `>` per
// line out. Blank lines are skipped; anything else that is not two versions is an error naming its line.

import { CompareInputError, InvalidVersionError } from './errors.ts';
import { versionOrder } from './ecosystems.ts';

const SYMBOL = { '-1': '<', '0': '=', '1': '>' } as const;

export function compareLines(ecosystem: string, input: string): string {
  const order = versionOrder(ecosystem);
  const out: string[] = [];
  const lines = input.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    if (fields.length !== 2) {
      throw new CompareInputError(
        i + 1,
        `expected two versions separated by blanks, found ${fields.length} field(s)`,
      );
    }
    try {
      out.push(SYMBOL[order.compare(order.parse(fields[0]!), order.parse(fields[1]!))]);
    } catch (err) {
      if (err instanceof InvalidVersionError) throw new CompareInputError(i + 1, err.message);
      throw err;
    }
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
