import { basic } from './server.js';

/** A minimal SAP-style client: Basic auth, a CSRF token fetched once from the service root. */
export class CpiClient {
  private csrf: string | undefined;
  private cookie: string | undefined;
  readonly auth: string;

  constructor(
    readonly root: string,
    user: string,
    password: string,
  ) {
    this.auth = basic(user, password);
  }

  async token(): Promise<string> {
    if (this.csrf) return this.csrf;
    const r = await fetch(`${this.root}/`, { headers: { authorization: this.auth, 'x-csrf-token': 'Fetch' } });
    await r.arrayBuffer();
    const token = r.headers.get('x-csrf-token');
    if (!r.ok || !token) throw new Error(`CSRF fetch failed: ${r.status}`);
    this.csrf = token;
    this.cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return token;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.root}${path}`, { headers: { authorization: this.auth, ...headers } });
  }

  async write(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    const token = await this.token();
    return fetch(`${this.root}${path}`, {
      method,
      body: body ?? null,
      headers: {
        authorization: this.auth,
        'x-csrf-token': token,
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
    });
  }
}

export const hex = (alias: string) => Buffer.from(alias, 'utf8').toString('hex').toUpperCase();

/** The DER inside the first PEM certificate block of a text. */
export function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m?.[1]) throw new Error('no certificate block');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}
