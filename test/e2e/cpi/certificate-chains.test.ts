// §3.5 CertificateChainResources: a key pair's chain in every format a CA sends, the Content-Type a hint only; a
// CA-signed chain for a generated key (CSR out, openssl signs, chain in); every refusal leaves the store as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Body, fixture, type Harness, hex, startCpi } from './support.js';
import { entry, entryValue, importPkcs12, ok, pemBlocks, pkiKey, postJson, scratch, unchanged } from './tools.js';

let h: Harness;
const files = scratch();

before(async () => {
  h = await startCpi();
  const root = await h.admin.putCertificate('chain root', pkiKey('root.pem'), 'fingerprintVerified=true');
  assert.equal(root.status, 204, root.text);
  const leaf = await importPkcs12(h.admin, 'chained', pkiKey('leaf-noenc.p12'), 'secret', 'fingerprintVerified=true');
  assert.equal(leaf.status, 204, leaf.text);
});
after(async () => {
  files.done();
  await h.stop();
});

const putChain = (alias: string, body: Body, options = '', type?: string) =>
  h.admin.write('PUT', `/CertificateChainResources('${hex(alias)}')/$value${options ? `?${options}` : ''}`, body, {
    accept: 'application/json',
    ...(type ? { 'content-type': type } : {}),
  });

async function chainSubjects(alias: string): Promise<string[]> {
  const r = await h.admin.get(`/KeystoreEntries('${hex(alias)}')/ChainCertificates?$format=json&$select=SubjectDN`);
  assert.equal(r.status, 200, r.text);
  return r.json.d.results.map((c: { SubjectDN: string }) => c.SubjectDN);
}

const FULL = [
  'CN=leaf.example.com, O=openkeystore tests, C=DE',
  'CN=Chain Intermediate CA, O=openkeystore tests, C=DE',
  'CN=Chain Root CA, O=openkeystore tests, C=DE',
];

test('every chain format is found from the bytes, whatever the Content-Type says', async () => {
  assert.deepEqual(await chainSubjects('chained'), [FULL[0]]);
  const formats: [string, string | undefined][] = [
    ['chain.p7b', 'application/pkcs7-mime'],
    ['chain.p7b.pem', 'application/x-pkcs7-certificates'],
    ['chain.p7b.b64', undefined],
    ['chain.pkipath', 'application/pkix-pkipath'],
    ['chain.pem', 'application/x-pem-file'],
    ['chain-shuffled.pem', 'text/plain'],
    ['chain-concat.der', 'application/octet-stream'],
    ['chain-cms.pem', 'application/pkcs7-mime'],
    ['chain-ber.p7b', 'application/pkcs7-mime'],
    // A misleading hint: DER sent as JSON.
    ['chain.p7b', 'application/json'],
  ];
  for (const [file, type] of formats) {
    const r = await putChain('chained', pkiKey(file), '', type);
    assert.equal(r.status, 204, `${file}: ${r.text}`);
    assert.deepEqual(await chainSubjects('chained'), FULL, file);
  }
  // The leaf alone shortens the chain again; returnKeystoreEntries reports the entry as changed.
  const back = await putChain('chained', pkiKey('leaf.pem'), 'returnKeystoreEntries=true');
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.d.results.find((e: { Alias: string }) => e.Alias === 'chained').Status, 'changed');
  assert.deepEqual(await chainSubjects('chained'), [FULL[0]]);
});

test('§3.5 refusals: 404, not a key pair, key mismatch, 403, 413, 415 (409: the round trip below)', async () => {
  const cert = await h.admin.putCertificate(
    'only a certificate',
    fixture('selfsigned.pem'),
    'fingerprintVerified=true',
  );
  assert.equal(cert.status, 204, cert.text);
  const cases: [string, () => ReturnType<typeof putChain>, number, string | RegExp][] = [
    ['unknown alias', () => putChain('nobody', pkiKey('chain.p7b')), 404, "Alias 'nobody' not found in the keystore"],
    [
      'certificate entry',
      () => putChain('only a certificate', pkiKey('chain.p7b')),
      400,
      'Alias "only a certificate" does not represent a Key Pair',
    ],
    [
      'another key',
      () => putChain('chained', pkiKey('rsa.crt.pem'), 'fingerprintVerified=true'),
      400,
      'The certificate chain does not fit to the key pair',
    ],
    [
      'reserved',
      () => putChain('sap_key', pkiKey('chain.p7b')),
      403,
      "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.",
    ],
    ['over 30 720 bytes', () => putChain('chained', Buffer.alloc(30_721, 0x41)), 413, /30720 bytes/],
    ['garbage', () => putChain('chained', fixture('garbage.bin')), 415, /does not contain a certificate chain/],
    ['a CRL', () => putChain('chained', fixture('ca.crl.pem')), 415, /revocation list/],
    [
      'bad Hexalias',
      () =>
        h.admin.write('PUT', "/CertificateChainResources('ABC')/$value", pkiKey('chain.p7b'), {
          accept: 'application/json',
        }),
      400,
      'hexBinary needs to be even-length: ABC',
    ],
  ];
  for (const [name, send, status, text] of cases) {
    const r = await unchanged(h.admin, send);
    assert.equal(r.status, status, `${name}: ${r.text}`);
    if (typeof text === 'string') assert.equal(r.json.error.message.value, text, name);
    else assert.match(r.json.error.message.value, text, name);
  }
});

test('round trip: generated key, CSR signed by an openssl CA, chain back in; 409 until the CA is trusted', async () => {
  const gen = await postJson(h.admin, '/KeyPairGenerationRequests', {
    Hexalias: 'AB',
    Alias: 'to be signed',
    KeyType: 'RSA',
    KeySize: 2048,
    CommonName: 'server.example.com',
    Organization: 'openkeystore tests',
    Country: 'DE',
  });
  assert.equal(gen.status, 204, gen.text);
  const csr = await entryValue(h.admin, 'to be signed', 'SigningRequest');
  assert.equal(csr.status, 200, csr.text);
  const caKey = files.path('ca.key');
  const caPem = files.path('ca.pem');
  await ok('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caPem,
    '-days',
    '30',
    '-sha256',
    '-subj',
    '/C=DE/O=openkeystore tests/CN=Round Trip CA',
    '-addext',
    'basicConstraints=critical,CA:true',
  ]);
  const signed = files.path('signed.pem');
  await ok('openssl', [
    'x509',
    '-req',
    '-in',
    files.write('req.pem', csr.text),
    '-CA',
    caPem,
    '-CAkey',
    caKey,
    '-set_serial',
    '0x5A5A',
    '-days',
    '10',
    '-sha256',
    '-out',
    signed,
  ]);
  const p7 = files.path('reply.p7b');
  await ok('openssl', ['crl2pkcs7', '-nocrl', '-certfile', signed, '-certfile', caPem, '-outform', 'DER', '-out', p7]);
  const reply = await ok('base64', ['-w', '0', p7]);

  const refused = await unchanged(h.admin, () => putChain('to be signed', reply));
  assert.equal(refused.status, 409, refused.text);
  assert.equal(JSON.parse(refused.json.error.message.value).d.Validity, 'notTrusted');

  const trust = await h.admin.putCertificate('round trip ca', await ok('cat', [caPem]), 'fingerprintVerified=true');
  assert.equal(trust.status, 204, trust.text);
  const done = await putChain('to be signed', reply, '', 'application/pkcs7-mime');
  assert.equal(done.status, 204, done.text);

  const e = await entry(h.admin, 'to be signed');
  assert.equal(e.SerialNumber, '0x5A5A');
  assert.equal(e.IssuerDN, 'CN=Round Trip CA, O=openkeystore tests, C=DE');
  const chain = pemBlocks(
    await ok('openssl', ['pkcs7', '-print_certs'], (await entryValue(h.admin, 'to be signed', 'ChainResource')).text),
  );
  assert.equal(chain.length, 2);
  await ok('openssl', ['verify', '-CAfile', caPem, files.write('leaf.pem', chain[0] ?? '')]);
  // The key stayed: a new CSR still verifies and carries the signed certificate's key.
  await ok('openssl', ['req', '-verify', '-noout'], (await entryValue(h.admin, 'to be signed', 'SigningRequest')).text);
});
