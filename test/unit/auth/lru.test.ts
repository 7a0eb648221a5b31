import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruCache } from '../../../src/auth/lru.js';
import { Clock } from './fixture.js';

describe('LruCache', () => {
  it('evicts the least recently used entry when full', () => {
    const c = new LruCache<string, number>(2, 60_000);
    c.set('a', 1);
    c.set('b', 2);
    assert.equal(c.get('a'), 1); // a is now the most recent
    c.set('c', 3);
    assert.equal(c.get('b'), undefined);
    assert.equal(c.get('a'), 1);
    assert.equal(c.get('c'), 3);
    assert.equal(c.size, 2);
  });

  it('expires entries after their lifetime, and never keeps one longer than the cache lifetime', () => {
    const clock = new Clock();
    const c = new LruCache<string, number>(10, 1000, clock.now);
    c.set('a', 1);
    c.set('b', 2, 100);
    c.set('c', 3, 5000);
    clock.advance(500);
    assert.equal(c.get('a'), 1);
    assert.equal(c.get('b'), undefined);
    clock.advance(600);
    assert.equal(c.get('a'), undefined);
    assert.equal(c.get('c'), undefined);
  });

  it('deletes entries by value', () => {
    const c = new LruCache<string, { user: number }>(10, 1000);
    c.set('a', { user: 1 });
    c.set('b', { user: 2 });
    c.set('c', { user: 1 });
    c.deleteWhere((v) => v.user === 1);
    assert.equal(c.size, 1);
    assert.deepEqual(c.get('b'), { user: 2 });
  });
});
