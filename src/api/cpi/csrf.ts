import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../auth/service.js';
import type { Store } from '../../store/open.js';
import { settingOrCreate } from '../../store/settings-repo.js';

/**
 * CSRF tokens as D4 asks: bound to the authenticated principal, valid for a configurable time (24 h by default),
 * and without server-side sessions. A token is `<expiry>.<HMAC(secret, user id, expiry)>`, so it needs no lookup
 * and survives a restart. The secret is a random value kept in the store (setting `cpi.csrf.secret`), created by
 * the first server that needs it: every server sharing one database accepts the tokens of the others.
 */
export class CsrfTokens {
  private secret: Promise<Buffer> | undefined;

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(): Promise<Buffer> {
    this.secret ??= settingOrCreate(this.store.db, 'cpi.csrf.secret', () => randomBytes(32).toString('base64')).then(
      (v) => Buffer.from(v, 'base64'),
      (e: unknown) => {
        // Let the next request try again rather than keep a failed read (e.g. the database was briefly away).
        this.secret = undefined;
        throw e;
      },
    );
    return this.secret;
  }

  private async mac(principal: Principal, expires: string): Promise<Buffer> {
    return createHmac('sha256', await this.key())
      .update(`csrf\0${principal.userId}\0${expires}`)
      .digest();
  }

  async issue(principal: Principal): Promise<string> {
    const expires = (this.now() + this.ttlMs).toString(36);
    return `${expires}.${(await this.mac(principal, expires)).toString('base64url')}`;
  }

  async verify(principal: Principal, token: string | undefined): Promise<boolean> {
    if (!token || token.length > 200) return false;
    const m = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
    if (!m) return false;
    const [, expires = '', mac = ''] = m;
    if (Number.parseInt(expires, 36) <= this.now()) return false;
    return timingSafeEqual(Buffer.from(mac, 'base64url'), await this.mac(principal, expires));
  }
}
