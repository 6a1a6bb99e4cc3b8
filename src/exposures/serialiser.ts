// One write at a time in this process: the engine's index must not change under a running match,
// and a write that matches must see the index as the previous write left it.
export class Serialiser {
  private chain: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
