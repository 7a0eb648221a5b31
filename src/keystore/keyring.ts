import { randomBytes } from 'node:crypto';
import { open, seal } from '../pki/aead.js';
import { firstDataKey, insertDataKey } from '../store/data-keys-repo.js';
import type { Store } from '../store/open.js';

/**
 * Envelope encryption of private keys: a data key encrypts them, the master key wraps the data key, and only
 * the wrapped data key is stored. Every server sharing a database must be given the same master key.
 */
export class Keyring {
  private dataKey: Buffer | undefined;

  constructor(
    private readonly store: Store,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  }

  private async key(): Promise<Buffer> {
    if (this.dataKey) return this.dataKey;
    let row = await firstDataKey(this.store.db);
    if (!row) {
      // Two servers may get here at once; both then use the oldest key, so one is simply never used.
      await insertDataKey(this.store.db, seal(this.masterKey, randomBytes(32), 'data-key'), Date.now());
      row = await firstDataKey(this.store.db);
    }
    try {
      this.dataKey = open(this.masterKey, row!.wrapped, 'data-key');
    } catch {
      throw new Error(
        'the master key does not open this store’s data key: is OPENKEYSTORE_MASTER_KEY the one it was created with?',
      );
    }
    return this.dataKey;
  }

  /** Checks at start-up that the master key fits the store. */
  async verify(): Promise<void> {
    await this.key();
  }

  async encrypt(plaintext: Uint8Array, context: string): Promise<Buffer> {
    return seal(await this.key(), plaintext, context);
  }

  async decrypt(sealed: Uint8Array, context: string): Promise<Buffer> {
    return open(await this.key(), sealed, context);
  }
}
