// Group commit (first used by the public intake): callers hand in one item each and wait; items that arrive
// while a group is being written form the next group (up to `max`), so under load one transaction
// carries many reports and when intake is quiet a lone report is written at once, without a timer.
// `write` answers an error (or nothing) per item, for failures that belong to one item (a replayed
// proof of work); if it throws, the group's transaction failed as a whole and each item is written
// again on its own, so one bad item cannot fail the others. GroupReader does the same for lookups.
// Both are one mechanism (`Grouping`): the queue, its drain and the group size; they differ only in
// how a group's outcome reaches its callers.

interface Waiting<I, R> {
  input: I;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * The queue and its drain: a group is what arrived while the groups in flight were written (at
 * most `max` items), and at most `concurrency` groups are in flight at once (1: one after another;
 * more only where the database has several connections and the groups touch no common rows).
 */
class Grouping<I, R> {
  private queue: Waiting<I, R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly settle: (group: Waiting<I, R>[]) => Promise<void>,
    private readonly max: number,
    private readonly concurrency = 1,
  ) {}

  add(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      this.inFlight++;
      void this.settle(this.queue.splice(0, this.max)).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }
}

export class GroupWriter<T> {
  private readonly grouping: Grouping<T, void>;

  constructor(
    writeGroup: (items: T[]) => Promise<(Error | undefined)[]>,
    max: number,
    opts: { concurrency?: number } = {},
  ) {
    const settle = async (group: Waiting<T, void>[]): Promise<void> => {
      let outcome: (Error | undefined)[];
      try {
        outcome = await writeGroup(group.map((g) => g.input));
      } catch (err) {
        if (group.length === 1) {
          group[0]!.reject(err);
          return;
        }
        // The whole group failed: each on its own, in order.
        for (const g of group) await settle([g]);
        return;
      }
      group.forEach((g, i) => {
        const e = outcome[i];
        if (e) g.reject(e);
        else g.resolve();
      });
    };
    this.grouping = new Grouping(settle, max, opts.concurrency);
  }

  write(item: T): Promise<void> {
    return this.grouping.add(item);
  }
}

/**
 * The same grouping for lookups: callers ask one key each; the keys asked while a lookup runs go
 * together in the next one (one statement for many reports' resubmission checks). A failed lookup
 * fails every caller of its group.
 */
export class GroupReader<K, V> {
  private readonly grouping: Grouping<K, V | undefined>;

  constructor(readGroup: (keys: K[]) => Promise<(V | undefined)[]>, max: number) {
    this.grouping = new Grouping<K, V | undefined>(async (group) => {
      try {
        const values = await readGroup(group.map((g) => g.input));
        for (const [i, g] of group.entries()) g.resolve(values[i]);
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }, max);
  }

  read(key: K): Promise<V | undefined> {
    return this.grouping.add(key);
  }
}
