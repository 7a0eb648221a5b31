// §3.6 KeyPairResources and §3.3 reads of key pairs: PKCS#12 files from openssl and keytool go in; what comes out
// (certificate, chain, CSR, SSH key) is checked with openssl and ssh-keygen. Refusals leave the store as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Answer, fixture, type Harness, hex, startCpi } from './support.js';
import {
  entry,
  entryValue,
  importPkcs12,
  ok,
  pemBlocks,
  pkiKey,
  postJson,
  publicKeyOf,
  scratch,
  unchanged,
} from './tools.js';

let h: Harness;
const files = scratch();

before(async () => {
  h = await startCpi();
});
after(async () => {
  files.done();
  await h.stop();
});

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const noPrivateKey = (text: string) => assert.doesNotMatch(text, /PRIVATE KEY/);

/** The CSR of an entry: PKCS#10 PEM that openssl verifies, with the certificate's subject and public key. */
async function checkSigningRequest(alias: string): Promise<void> {
  const csr = await entryValue(h.admin, alias, 'SigningRequest');
  assert.equal(csr.status, 200, csr.text);
  assert.equal(csr.headers.get('content-type'), 'application/pkcs10');
  assert.match(csr.text, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  noPrivateKey(csr.text);
  const verified = await ok('openssl', ['req', '-verify', '-noout'], csr.text);
  assert.equal(verified, '');
  const cert = await entryValue(h.admin, alias, 'Certificate');
  assert.equal(await publicKeyOf('req', csr.text), await publicKeyOf('x509', cert.text));
  const subject = (kind: string, text: string) =>
    ok('openssl', [kind, '-noout', '-subject', '-nameopt', 'RFC2253'], text);
  assert.equal(
    (await subject('req', csr.text)).replace(/^subject=/, ''),
    (await subject('x509', cert.text)).replace(/^subject=/, ''),
  );
}

test('409 for a key pair whose chain has no trust path; its body is the refused entry (D17)', async () => {
  const r = await unchanged(h.admin, () => importPkcs12(h.admin, 'my leaf', pkiKey('leaf.p12'), 'secret'));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'Conflict');
  const refused = JSON.parse(r.json.error.message.value);
  assert.equal(refused.d.Alias, 'my leaf');
  assert.equal(refused.d.Validity, 'notTrusted');
  assert.equal(refused.d.Status, 'notImported');
  assert.equal(refused.d.SubjectDN, 'CN=leaf.example.com, O=openkeystore tests, C=DE');
});

test('openssl PKCS#12 with a chain: imports once its root is trusted; chain, CSR and certificates verify with openssl', async () => {
  const root = await h.admin.putCertificate('chain root', pkiKey('root.pem'), 'fingerprintVerified=true');
  assert.equal(root.status, 204, root.text);
  const r = await importPkcs12(h.admin, 'my leaf', pkiKey('leaf.p12'), 'secret');
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');

  const e = await entry(h.admin, 'my leaf');
  assert.equal(e.Type, 'Key Pair');
  assert.equal(e.KeyType, 'RSA');
  assert.equal(e.KeySize, 2048);
  assert.equal(e.SerialNumber, '0x2002');
  assert.equal(e.Owner, 'Tenant Administrator');
  assert.equal(e.CreatedBy, h.server.adminUser);

  // ChainCertificates: Index 0 is the entry's certificate, rising towards the root.
  const chain = await h.admin.get(`/KeystoreEntries('${hex('my leaf')}')/ChainCertificates?$format=json`);
  assert.equal(chain.status, 200, chain.text);
  const results = chain.json.d.results;
  assert.deepEqual(
    results.map((c: { Index: number; SubjectDN: string }) => [c.Index, c.SubjectDN]),
    [
      [0, 'CN=leaf.example.com, O=openkeystore tests, C=DE'],
      [1, 'CN=Chain Intermediate CA, O=openkeystore tests, C=DE'],
      [2, 'CN=Chain Root CA, O=openkeystore tests, C=DE'],
    ],
  );
  assert.equal(results[0].__metadata.type, 'com.sap.hci.api.ChainCertificate');
  assert.match(results[1].__metadata.uri, /\/ChainCertificates\(Hexalias='6D79206C656166',Index=1\)$/);
  assert.equal(results[1].KeyType, 'EC');
  assert.equal(results[0].FingerprintSha256, e.FingerprintSha256);
  // The query options work on the chain as on any collection.
  const top = await h.admin.get(
    `/KeystoreEntries('${hex('my leaf')}')/ChainCertificates?$format=json&$filter=Index ge 1&$orderby=Index desc&$select=Index,Alias&$inlinecount=allpages`,
  );
  assert.equal(top.status, 200, top.text);
  assert.equal(top.json.d.__count, '2');
  assert.deepEqual(
    top.json.d.results.map((c: { Index: number; Alias: string }) => [c.Index, c.Alias]),
    [
      [2, 'my leaf'],
      [1, 'my leaf'],
    ],
  );
  const count = await h.admin.get(`/KeystoreEntries('${hex('my leaf')}')/ChainCertificates/$count`);
  assert.equal(count.text, '3');
  // Atom, the default format.
  const atom = await h.admin.get(`/KeystoreEntries('${hex('my leaf')}')/ChainCertificates`);
  assert.match(atom.headers.get('content-type') ?? '', /^application\/atom\+xml;type=feed/);
  assert.match(atom.text, /<d:Index m:type="Edm.Int32">2<\/d:Index>/);

  // ChainResource: certificates-only PKCS#7 PEM (D16) that openssl reads; the chain verifies.
  const p7 = await entryValue(h.admin, 'my leaf', 'ChainResource');
  assert.equal(p7.status, 200, p7.text);
  assert.equal(p7.headers.get('content-type'), 'application/pkcs7-mime');
  assert.match(p7.text, /^-----BEGIN PKCS7-----\n/);
  const printed = pemBlocks(await ok('openssl', ['pkcs7', '-print_certs'], p7.text));
  assert.equal(printed.length, 3);
  const [leaf, inter, top2] = printed as [string, string, string];
  await ok('openssl', [
    'verify',
    '-CAfile',
    files.write('root.pem', top2),
    '-untrusted',
    files.write('inter.pem', inter),
    files.write('leaf.pem', leaf),
  ]);
  assert.equal(
    top2,
    pem(
      Buffer.from(
        pkiKey('root.pem')
          .toString()
          .replace(/-----[^-]+-----|\s/g, ''),
        'base64',
      ),
    ),
  );

  // Certificate/$value: the entry's own; rootCA=true the top of the chain (§3.3).
  const own = await entryValue(h.admin, 'my leaf', 'Certificate');
  assert.equal(own.text, leaf);
  const rootCa = await entryValue(h.admin, 'my leaf', 'Certificate', 'rootCA=true');
  assert.equal(rootCa.text, top2);

  await checkSigningRequest('my leaf');

  // Sshkey: the public key as ssh-keygen writes it from the same key, named after the alias.
  const ssh = await entryValue(h.admin, 'my leaf', 'Sshkey');
  assert.equal(ssh.status, 200, ssh.text);
  assert.match(ssh.headers.get('content-type') ?? '', /^text\/plain/);
  const expected = await ok('ssh-keygen', [
    '-i',
    '-m',
    'PKCS8',
    '-f',
    files.write('leaf.pub.pem', await publicKeyOf('x509', leaf)),
  ]);
  assert.equal(ssh.text, `${expected.trim()} my leaf`);
  await ok('ssh-keygen', ['-l', '-f', files.write('leaf.sshpub', `${ssh.text}\n`)]);
});

test('EC P-256 and P-384, Ed25519 and DSA key pairs from openssl; SSH export only for RSA and DSA', async () => {
  const cases = [
    { alias: 'ec256', p12: pkiKey('ec256.p12'), type: 'EC', size: 256, curve: 'secp256r1', ssh: null },
    { alias: 'ec384', p12: fixture('ec384.p12'), type: 'EC', size: 384, curve: 'secp384r1', ssh: null },
    // Ed25519: SAP lists RSA, DSA and EC; Java reads Ed25519 keys, so imports take them (DESIGN: a careful user
    // would expect a key Java can use to go in). Generation offers only SAP's three types.
    { alias: 'ed25519', p12: pkiKey('ed25519.p12'), type: 'Ed25519', size: 255, curve: null, ssh: null },
    { alias: 'dsa', p12: pkiKey('dsa.p12'), type: 'DSA', size: 2048, curve: null, ssh: 'ssh-dss' },
  ];
  for (const c of cases) {
    // Self-signed: trusted because the administrator checked the fingerprint.
    const r = await importPkcs12(h.admin, c.alias, c.p12, 'secret', 'fingerprintVerified=true');
    assert.equal(r.status, 204, `${c.alias}: ${r.text}`);
    const e = await entry(h.admin, c.alias);
    assert.deepEqual([e.Type, e.KeyType, e.KeySize, e.EllipticCurve], ['Key Pair', c.type, c.size, c.curve], c.alias);
    await checkSigningRequest(c.alias);
    const p7 = await entryValue(h.admin, c.alias, 'ChainResource');
    assert.equal(pemBlocks(await ok('openssl', ['pkcs7', '-print_certs'], p7.text)).length, 1);
    const ssh = await entryValue(h.admin, c.alias, 'Sshkey', '$format=json');
    if (c.ssh) {
      assert.equal(ssh.status, 200, ssh.text);
      assert.ok(ssh.text.startsWith(`${c.ssh} AAAA`), ssh.text);
      await ok('ssh-keygen', ['-l', '-f', files.write(`${c.alias}.sshpub`, `${ssh.text}\n`)]);
    } else {
      assert.equal(ssh.status, 400, ssh.text);
      assert.equal(ssh.json.error.message.value, 'SSH key export is only available for RSA and DSA entries');
    }
  }
});

test('keytool PKCS#12 (today and legacy format) and openssl -legacy: the first key pair is taken', async () => {
  for (const [alias, file] of [
    ['keytool', 'keytool.p12'],
    ['keytool legacy', 'keytool-legacy.p12'],
  ] as const) {
    const r = await importPkcs12(h.admin, alias, pkiKey(file), 'secret', 'fingerprintVerified=true');
    assert.equal(r.status, 204, `${file}: ${r.text}`);
    const e = await entry(h.admin, alias);
    // keytool.p12 holds rsa-entry, ec-entry and a trusted root: the first key (HELP) is rsa-entry's.
    assert.equal(e.SubjectDN, 'CN=keytool rsa, O=openkeystore tests, C=DE');
    await checkSigningRequest(alias);
  }
  const legacy = await importPkcs12(h.admin, 'legacy leaf', pkiKey('leaf-legacy.p12'), 'secret');
  assert.equal(legacy.status, 204, legacy.text);
  assert.equal(
    (await entry(h.admin, 'legacy leaf')).FingerprintSha256,
    (await entry(h.admin, 'my leaf')).FingerprintSha256,
  );
});

test('update=true replaces a key pair; returnKeystoreEntries answers with every entry and its status', async () => {
  const r = await importPkcs12(
    h.admin,
    'ec256',
    pkiKey('ec256.p12'),
    'secret',
    'fingerprintVerified=true&update=true&returnKeystoreEntries=true',
  );
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  const statuses = Object.fromEntries(
    r.json.d.results.map((e: { Alias: string; Status: string }) => [e.Alias, e.Status]),
  );
  assert.equal(statuses.ec256, 'changed');
  assert.equal(statuses['my leaf'], 'unchanged');
  const created = await importPkcs12(
    h.admin,
    'brand new',
    pkiKey('ec256.p12'),
    'secret',
    'fingerprintVerified=true&returnKeystoreEntries=true',
  );
  assert.equal(created.status, 200, created.text);
  assert.equal(created.json.d.results.find((e: { Alias: string }) => e.Alias === 'brand new').Status, 'new');
});

test("keystoreName: KeyRenewal takes key pairs for renewal; other names get SAP's text", async () => {
  const r = await importPkcs12(
    h.admin,
    'renewed',
    pkiKey('ec256.p12'),
    'secret',
    'fingerprintVerified=true&keystoreName=KeyRenewal',
  );
  assert.equal(r.status, 204, r.text);
  assert.equal((await entry(h.admin, 'renewed', 'KeyRenewal')).Type, 'Key Pair');
  assert.equal((await h.admin.get(`/KeystoreEntries('${hex('renewed')}')?$format=json`)).status, 404);
  for (const name of ['KeyHistory', 'backup_admin_system', 'nope']) {
    const refused = await unchanged(h.admin, () =>
      importPkcs12(h.admin, 'x', pkiKey('ec256.p12'), 'secret', `fingerprintVerified=true&keystoreName=${name}`),
    );
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.error.message.value, `Keystore name '${name}' is invalid.`);
  }
});

test('§3.6 refusals: each status and text, and the keystore stays as it was', async () => {
  const p12 = pkiKey('ec256.p12');
  const cases: [string, () => Promise<Answer>, number, string | RegExp][] = [
    [
      'exists',
      () => importPkcs12(h.admin, 'ec256', p12, 'secret', 'fingerprintVerified=true'),
      400,
      'Keystore entry with alias "ec256" already exists',
    ],
    [
      'missing with update',
      () => importPkcs12(h.admin, 'nothing here', p12, 'secret', 'fingerprintVerified=true&update=true'),
      400,
      'Keystore entry with alias "nothing here" does not exist',
    ],
    [
      'control character',
      () => importPkcs12(h.admin, 'tab\there', p12, 'secret', 'fingerprintVerified=true'),
      400,
      'The alias must not contain control characters',
    ],
    [
      'wrong password',
      () => importPkcs12(h.admin, 'wrong', p12, 'not the password', 'fingerprintVerified=true'),
      400,
      'Keystore was tampered with, or password was incorrect',
    ],
    [
      'sap_ prefix',
      () => importPkcs12(h.admin, 'sap_mine', p12, 'secret', 'fingerprintVerified=true'),
      403,
      "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.",
    ],
    [
      'hcicertificate',
      () => importPkcs12(h.admin, 'hcicertificate', p12, 'secret', 'fingerprintVerified=true'),
      403,
      "The alias is not allowed. The alias 'hcicertificate' is reserved for SAP.",
    ],
    ['over 30 720 bytes', () => importPkcs12(h.admin, 'big', Buffer.alloc(30_721, 7), 'secret'), 413, /30720 bytes/],
    ['garbage', () => importPkcs12(h.admin, 'garbage', fixture('garbage.bin'), 'secret'), 415, /not a PKCS#12/],
    [
      'a JKS file',
      () => importPkcs12(h.admin, 'jks', fixture('one-password.jks'), 'changeit'),
      415,
      'The input is not a PKCS#12 keystore: it is a JKS keystore',
    ],
    [
      'a certificate',
      () => importPkcs12(h.admin, 'cert', fixture('mycertificate.pem'), 'secret'),
      415,
      /not a PKCS#12/,
    ],
    [
      'no private key',
      () => importPkcs12(h.admin, 'certs only', pkiKey('certs-only.p12'), 'secret'),
      400,
      /no private key/,
    ],
    [
      'malformed JSON',
      () =>
        h.admin.write('POST', '/KeyPairResources', '{"Alias": "x",', {
          accept: 'application/json',
          'content-type': 'application/json',
        }),
      400,
      "An exception of type 'MalformedJsonException' occurred.",
    ],
    [
      'JSON array',
      () => postJson(h.admin, '/KeyPairResources', [{ Alias: 'x' }]),
      400,
      "An exception of type 'MalformedJsonException' occurred.",
    ],
    [
      'no alias',
      () =>
        postJson(h.admin, '/KeyPairResources', {
          Hexalias: 'AB',
          Password: 'secret',
          Resource: p12.toString('base64'),
        }),
      400,
      "Property 'Alias' cannot be empty. Enter a valid value.",
    ],
    [
      'no resource',
      () => postJson(h.admin, '/KeyPairResources', { Hexalias: 'AB', Alias: 'x', Password: 'secret' }),
      400,
      "Property 'Resource' cannot be empty. Enter a valid value.",
    ],
    [
      'resource not base64',
      () => postJson(h.admin, '/KeyPairResources', { Alias: 'x', Password: 'secret', Resource: '%%%' }),
      400,
      "The value of the property 'Resource' is not valid.",
    ],
    [
      'alias not a string',
      () => postJson(h.admin, '/KeyPairResources', { Alias: 42, Resource: p12.toString('base64') }),
      400,
      "The value of the property 'Alias' is not valid.",
    ],
  ];
  for (const [name, send, status, text] of cases) {
    const r = await unchanged(h.admin, send);
    assert.equal(r.status, status, `${name}: ${r.text}`);
    if (typeof text === 'string') assert.equal(r.json.error.message.value, text, name);
    else assert.match(r.json.error.message.value, text, name);
  }
  // A body over the JSON limit is refused while it is read.
  const huge = await unchanged(h.admin, () => importPkcs12(h.admin, 'huge', Buffer.alloc(200_000, 1), 'secret'));
  assert.equal(huge.status, 413);
});

test('reads of a certificate entry: 400 "does not represent a Key Pair" (D15), 404 for an unknown alias', async () => {
  const cert = await h.admin.putCertificate('plain', fixture('selfsigned.pem'), 'fingerprintVerified=true');
  assert.equal(cert.status, 204, cert.text);
  for (const nav of ['ChainCertificates', 'ChainResource/$value', 'SigningRequest/$value', 'Sshkey/$value']) {
    const r = await h.admin.get(`/KeystoreEntries('${hex('plain')}')/${nav}?$format=json`);
    assert.equal(r.status, 400, `${nav}: ${r.text}`);
    assert.equal(r.json.error.message.value, 'Alias "plain" does not represent a Key Pair');
    const missing = await h.admin.get(`/KeystoreEntries('${hex('missing')}')/${nav}?$format=json`);
    assert.equal(missing.status, 404, `${nav}: ${missing.text}`);
    assert.equal(missing.json.error.message.value, "Alias 'missing' not found in the keystore");
  }
});

test('no CPI answer carries a private key', async () => {
  const list = await h.admin.get('/KeystoreEntries?$format=json');
  for (const e of list.json.d.results as { Alias: string; Type: string }[]) {
    if (e.Type !== 'Key Pair') continue;
    for (const path of [
      '',
      '/ChainCertificates',
      '/ChainResource/$value',
      '/SigningRequest/$value',
      '/Certificate/$value',
    ]) {
      const r = await h.admin.get(`/KeystoreEntries('${hex(e.Alias)}')${path}`);
      noPrivateKey(r.text);
    }
  }
});
