/** What a read cache asks of the store: a mark that moves whenever committed data may have changed. */
export interface ChangeMarked {
  /**
   * A number that differs from any earlier one once data may have changed, by this process or any other; undefined
   * where the store can't tell cheaply, and then nothing is cached.
   */
  changeMark(): number | undefined;
}

/**
 * Rows read again and again (the user behind a Basic credential, their role bindings, an exported entry) kept in
 * memory for as long as the store's change mark stays where it was when they were read. The mark moves on every
 * committed write, of this server or of another process sharing the database, so a hit is never staler than a
 * fresh read; a write anywhere simply empties the cache. The mark is read before the row, so a row that a write
 * changes meanwhile is kept under the older mark and read again at the next call.
 *
 * Values are shared between callers: a caller must not change what it gets.
 */
export class ReadCache<K, V> {
  private readonly map = new Map<K, V>();
  private mark: number | undefined;

  constructor(
    private readonly store: ChangeMarked,
    private readonly max: number,
  ) {}

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const mark = this.store.changeMark();
    if (mark === undefined) return load();
    if (mark !== this.mark) {
      this.map.clear();
      this.mark = mark;
    } else if (this.map.has(key)) {
      return this.map.get(key) as V;
    }
    const value = await load();
    // Another call may have seen a newer mark while this one read: then this value belongs to the older one.
    if (this.mark === mark && this.max > 0) {
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
      this.map.set(key, value);
    }
    return value;
  }
}
