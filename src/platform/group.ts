// Group commit (first used by the public intake): callers hand in one item each and wait; items that arrive
// while a group is being written form the next group (up to `max`), so under load one transaction
// carries many reports and when intake is quiet a lone report is written at once, without a timer.
// `write` answers an error (or nothing) per item, for failures that belong to one item (a replayed
// proof of work); if it throws, the group's transaction failed as a whole and each item is written
// again on its own, so one bad item cannot fail the others. GroupReader does the same for lookups.

export class GroupWriter<T> {
  private queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly writeGroup: (items: T[]) => Promise<(Error | undefined)[]>,
    private readonly max: number,
  ) {}

  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.max);
        await this.settle(group);
      }
    } finally {
      this.running = false;
    }
  }

  private async settle(group: typeof this.queue): Promise<void> {
    let outcome: (Error | undefined)[];
    try {
      outcome = await this.writeGroup(group.map((g) => g.item));
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // The whole group failed: each on its own, in order.
      for (const g of group) await this.settle([g]);
      return;
    }
    group.forEach((g, i) => {
      const e = outcome[i];
      if (e) g.reject(e);
      else g.resolve();
    });
  }
}

/**
 * The same grouping for lookups: callers ask one key each; the keys asked while a lookup runs go
 * together in the next one (one statement for many reports' resubmission checks).
 */
export class GroupReader<K, V> {
  private queue: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly readGroup: (keys: K[]) => Promise<(V | undefined)[]>,
    private readonly max: number,
  ) {}

  read(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.max);
        try {
          const values = await this.readGroup(group.map((g) => g.key));
          for (const [i, g] of group.entries()) g.resolve(values[i]);
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
