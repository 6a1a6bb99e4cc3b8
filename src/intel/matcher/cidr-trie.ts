// A binary radix trie of IP prefixes (IPv4 and IPv6 in separate roots) over typed arrays: one
// node is three int32 slots (child 0, child 1, value), so 100,000 CIDRs cost a few megabytes and
// no object per node. A lookup walks at most 32 (128) bits and reports the value (-1: none) of every prefix
// on the path, most general first.
export class CidrTrie {
  private left: Int32Array;
  private right: Int32Array;
  private value: Int32Array;
  private size = 2;

  constructor(capacity = 1024) {
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Int32Array(capacity).fill(-1);
    // Node 0: the IPv4 root; node 1: the IPv6 root. Child 0 means "none" (the root is never a child).
  }

  get nodes(): number {
    return this.size;
  }

  get bytes(): number {
    return this.left.byteLength * 3;
  }

  private grow(): void {
    const cap = this.left.length * 2;
    const l = new Int32Array(cap);
    l.set(this.left);
    const r = new Int32Array(cap);
    r.set(this.right);
    const v = new Int32Array(cap).fill(-1);
    v.set(this.value);
    this.left = l;
    this.right = r;
    this.value = v;
  }

  /** The node of a prefix, created when missing. */
  private node(family: 4 | 6, bytes: Uint8Array, prefix: number): number {
    let n = family === 4 ? 0 : 1;
    for (let bit = 0; bit < prefix; bit++) {
      const one = (bytes[bit >> 3]! >> (7 - (bit & 7))) & 1;
      const arr = one ? this.right : this.left;
      let child = arr[n]!;
      if (child === 0) {
        if (this.size === this.left.length) this.grow();
        child = this.size++;
        (one ? this.right : this.left)[n] = child;
      }
      n = child;
    }
    return n;
  }

  /** The value stored at a prefix (-1 when none). */
  get(family: 4 | 6, bytes: Uint8Array, prefix: number): number {
    // node() may grow the arrays: read `this.value` only after it.
    const n = this.node(family, bytes, prefix);
    return this.value[n]!;
  }

  set(family: 4 | 6, bytes: Uint8Array, prefix: number, v: number): void {
    const n = this.node(family, bytes, prefix);
    this.value[n] = v;
  }

  /** Calls `found` with the value of every stored prefix that contains the IPv4 address. */
  lookup4(addr: number, found: (v: number) => void): void {
    let n = 0;
    const value = this.value;
    for (let bit = 31; ; bit--) {
      const v = value[n]!;
      if (v !== -1) found(v);
      if (bit < 0) return;
      n = ((addr >>> bit) & 1 ? this.right : this.left)[n]!;
      if (n === 0) return;
    }
  }

  /** Calls `found` with the value of every stored prefix that contains the IPv6 address (16 bytes). */
  lookup6(bytes: Uint8Array, found: (v: number) => void): void {
    let n = 1;
    for (let bit = 0; ; bit++) {
      const v = this.value[n]!;
      if (v !== -1) found(v);
      if (bit === 128) return;
      n = ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1 ? this.right : this.left)[n]!;
      if (n === 0) return;
    }
  }
}
