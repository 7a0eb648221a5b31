/**
 * A bounded map whose entries expire: least recently used entries leave first when it is full, so a flood of
 * distinct keys costs memory up to `max` and no more. A Map keeps insertion order, which is the LRU order
 * once a read moves the entry to the end.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    this.map.delete(key);
    if (hit.expiresAt <= this.now()) return undefined;
    this.map.set(key, hit);
    return hit.value;
  }

  /** Stores a value; `ttlMs` may shorten (never lengthen) the cache's own lifetime for this entry. */
  set(key: K, value: V, ttlMs = this.ttlMs): void {
    if (this.max <= 0) return;
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: this.now() + Math.min(ttlMs, this.ttlMs) });
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Drops every entry whose value matches, e.g. all of one user's entries. */
  deleteWhere(test: (value: V) => boolean): void {
    for (const [k, v] of this.map) if (test(v.value)) this.map.delete(k);
  }

  get size(): number {
    return this.map.size;
  }
}
