import { encodeHexAlias } from '../../src/pki/hexalias.js';
import { basicAuth } from './openkeystore.js';

/** Setup requests of the bench (not measured): each must succeed, or the row can't be measured at all. */
async function call(url: string, init: RequestInit, what: string): Promise<Response> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${what}: ${r.status} ${await r.text()}`);
  return r;
}

export const entryPath = (alias: string) => `/api/v1/KeystoreEntries('${encodeHexAlias(alias)}')/Certificate/$value`;
export const importPath = (alias: string) => `/api/v1/CertificateResources('${encodeHexAlias(alias)}')/$value`;

/** SAP's CSRF handshake: a GET with `X-CSRF-Token: Fetch` returns the token writes must carry. */
export async function csrfToken(base: string, authorization = basicAuth): Promise<string> {
  const r = await call(
    `${base}/api/v1/`,
    { headers: { authorization, 'x-csrf-token': 'Fetch' } },
    'fetching a CSRF token',
  );
  const token = r.headers.get('x-csrf-token');
  if (!token) throw new Error('no CSRF token in the answer');
  return token;
}

/** Imports one trusted certificate into the default tenant's system keystore. */
export async function importCertificate(base: string, alias: string, der: Buffer, csrf: string): Promise<void> {
  await call(
    `${base}${importPath(alias)}?fingerprintVerified=true&returnKeystoreEntries=false`,
    { method: 'PUT', headers: { authorization: basicAuth, 'x-csrf-token': csrf }, body: new Uint8Array(der) },
    `importing ${alias}`,
  );
}

export async function getBytes(url: string, authorization: string): Promise<Buffer> {
  const r = await call(url, { headers: { authorization } }, `GET ${url}`);
  return Buffer.from(await r.arrayBuffer());
}

/** OAuth client credentials at SAP's token endpoint, with the admin's name and password as the client. */
export async function accessToken(base: string): Promise<string> {
  const r = await call(
    `${base}/oauth/token`,
    {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    },
    'requesting an access token',
  );
  const body = (await r.json()) as { access_token?: string };
  if (!body.access_token) throw new Error('the token endpoint returned no access_token');
  return body.access_token;
}

export async function createEnvironment(base: string, project: string, name: string): Promise<void> {
  await call(
    `${base}/v1/projects/${encodeURIComponent(project)}/environments`,
    {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ name, type: 'TEST' }),
    },
    `creating environment ${name}`,
  );
}

/** Apinizer's create: one certificate (a group of entries), the same file in every listed environment. */
export async function createApinizerCertificate(
  base: string,
  project: string,
  name: string,
  pem: string,
  environments: string[],
): Promise<void> {
  const form = new FormData();
  form.set('certificateName', name);
  form.set('alias', name);
  form.set('environmentList', environments.join(','));
  form.set('pemEncodedFile', new Blob([pem]), `${name}.pem`);
  await call(
    `${base}/apiops/projects/${encodeURIComponent(project)}/certificates`,
    { method: 'POST', headers: { authorization: basicAuth }, body: form },
    `creating Apinizer certificate ${name}`,
  );
}
