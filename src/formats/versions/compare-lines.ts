// The logic behind `bulwark versions compare ECOSYSTEM`: lines "A B" in, one of `<`, `=`, `>` per
// line out. Blank lines are skipped. A line that is not two versions of the ecosystem is answered `!`
// and reported with its number, and the lines after it are still answered: one odd version never
// hides the answers to the others.

import { CompareInputError, InvalidVersionError } from './errors.ts';
import { versionOrder } from './ecosystems.ts';

const SYMBOL = { '-1': '<', '0': '=', '1': '>' } as const;

export interface ComparedLines {
  /** One answer a line (`<`, `=`, `>`, or `!` for a line that could not be compared), newline-terminated. */
  readonly output: string;
  /** The lines answered `!`, in input order, each naming its line and why. */
  readonly problems: readonly CompareInputError[];
}

export function compareLines(ecosystem: string, input: string): ComparedLines {
  const order = versionOrder(ecosystem);
  const out: string[] = [];
  const problems: CompareInputError[] = [];
  const lines = input.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    if (fields.length !== 2) {
      out.push('!');
      problems.push(
        new CompareInputError(
          i + 1,
          `expected two versions separated by blanks, found ${fields.length} field(s)`,
        ),
      );
      continue;
    }
    try {
      out.push(SYMBOL[order.compare(order.parse(fields[0]!), order.parse(fields[1]!))]);
    } catch (err) {
      if (!(err instanceof InvalidVersionError)) throw err;
      out.push('!');
      problems.push(new CompareInputError(i + 1, err.message));
    }
  }
  return { output: out.length === 0 ? '' : `${out.join('\n')}\n`, problems };
}
