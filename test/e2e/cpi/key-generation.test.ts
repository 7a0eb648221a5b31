// §3.6 KeyPairGenerationRequests, RSAKeyGenerationRequests and SSHKeyGenerationRequests: SAP's defaults, field
// names and signature names (D18); the keys' certificates and CSRs checked with openssl and ssh-keygen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, startCpi } from './support.js';
import { entry, entryValue, ok, pkiKey, postJson, publicKeyOf, scratch, unchanged } from './tools.js';

let h: Harness;
const files = scratch();

before(async () => {
  h = await startCpi();
});
after(async () => {
  files.done();
  await h.stop();
});

const generate = (body: Record<string, unknown>, options = '') =>
  postJson(h.admin, `/KeyPairGenerationRequests${options ? `?${options}` : ''}`, { Hexalias: 'AB', ...body });
const rsaRequest = (body: Record<string, unknown>, options = '') =>
  postJson(h.admin, `/RSAKeyGenerationRequests${options ? `?${options}` : ''}`, body);
const sshRequest = (body: Record<string, unknown>, options = '') =>
  postJson(h.admin, `/SSHKeyGenerationRequests${options ? `?${options}` : ''}`, body);

const YEAR = 365.25 * 86_400_000;

/** The certificate as openssl prints it, and its CSR verified by openssl. */
async function inspect(alias: string): Promise<string> {
  const cert = await entryValue(h.admin, alias, 'Certificate');
  assert.equal(cert.status, 200, cert.text);
  await ok('openssl', ['req', '-verify', '-noout'], (await entryValue(h.admin, alias, 'SigningRequest')).text);
  // Self-signed: the certificate verifies against itself (HELP's example expired long ago).
  const path = files.write(`${alias}.pem`, cert.text);
  await ok('openssl', ['verify', '-no_check_time', '-CAfile', path, '-check_ss_sig', path]);
  return ok('openssl', ['x509', '-noout', '-text', '-nameopt', 'RFC2253'], cert.text);
}

test("SAP's defaults: RSA 4096, SHA-512, three years; required Alias, CommonName and Country", async () => {
  const before = Date.now();
  const r = await generate({ Alias: 'defaults', CommonName: 'myserver', Country: 'DE' });
  assert.equal(r.status, 204, r.text);
  const e = await entry(h.admin, 'defaults');
  assert.deepEqual([e.Type, e.KeyType, e.KeySize, e.SignatureAlgorithm], ['Key Pair', 'RSA', 4096, 'SHA512withRSA']);
  assert.equal(e.SubjectDN, 'CN=myserver, C=DE');
  assert.equal(e.IssuerDN, e.SubjectDN);
  const from = Number(/\d+/.exec(e.ValidNotBefore)?.[0]);
  const until = Number(/\d+/.exec(e.ValidNotAfter)?.[0]);
  assert.ok(from >= before - 2000 && from <= Date.now(), e.ValidNotBefore);
  assert.ok(Math.abs(until - from - 3 * YEAR) < 2 * 86_400_000, e.ValidNotAfter);
  const text = await inspect('defaults');
  assert.match(text, /Public-Key: \(4096 bit\)/);
  assert.match(text, /Signature Algorithm: sha512WithRSAEncryption/);
});

test("HELP's example and D18's spellings; EC by size or curve, DSA; validity as /Date()/ or ISO 8601", async () => {
  const help = await generate({
    Alias: 'mykeypair',
    KeyType: 'RSA',
    KeySize: 2048,
    SignatureAlgorithm: 'SHA-256/RSA',
    CommonName: 'myserver',
    OrganizationUnit: 'Integration',
    Organization: 'openkeystore tests',
    Locality: 'Walldorf',
    State: 'BW',
    Email: 'admin@example.com',
    Country: 'DE',
    ValidNotBefore: '/Date(1469685029780)/',
    ValidNotAfter: '/Date(1564293029780)/',
  });
  assert.equal(help.status, 204, help.text);
  const e = await entry(h.admin, 'mykeypair');
  assert.equal(e.SignatureAlgorithm, 'SHA256withRSA');
  assert.equal(e.KeySize, 2048);
  // Certificates keep whole seconds.
  assert.equal(e.ValidNotBefore, '/Date(1469685029000+0000)/');
  assert.equal(e.ValidNotAfter, '/Date(1564293029000+0000)/');
  // The e-mail address follows the CN in DER, as openssl writes it, so Java prints it first.
  assert.equal(
    e.SubjectDN,
    'EMAILADDRESS=admin@example.com, CN=myserver, OU=Integration, O=openkeystore tests, L=Walldorf, ST=BW, C=DE',
  );
  await inspect('mykeypair');

  const cases: [Record<string, unknown>, [string, number, string | null, string]][] = [
    [{ KeyType: 'RSA', KeySize: 2048, SignatureAlgorithm: 'SHA256/RSA' }, ['RSA', 2048, null, 'SHA256withRSA']],
    [{ KeyType: 'RSA', KeySize: '2048', SignatureAlgorithm: 'SHA384withRSA' }, ['RSA', 2048, null, 'SHA384withRSA']],
    [{ KeyType: 'EC', KeySize: 256, SignatureAlgorithm: 'SHA-256/ECDSA' }, ['EC', 256, 'secp256r1', 'SHA256withECDSA']],
    [{ KeyType: 'EC', KeyAlgorithmParameter: 'secp384r1' }, ['EC', 384, 'secp384r1', 'SHA512withECDSA']],
    [{ KeyType: 'EC', KeySize: 521, SignatureAlgorithm: 'SHA-1/ECDSA' }, ['EC', 521, 'secp521r1', 'SHA1withECDSA']],
    [{ KeyType: 'DSA', KeySize: 2048, SignatureAlgorithm: 'SHA-256/DSA' }, ['DSA', 2048, null, 'SHA256withDSA']],
  ];
  for (const [i, [fields, expected]] of cases.entries()) {
    const alias = `generated ${i}`;
    const r = await generate({ Alias: alias, CommonName: alias, Country: 'de', ...fields });
    assert.equal(r.status, 204, `${alias}: ${r.text}`);
    const g = await entry(h.admin, alias);
    assert.deepEqual([g.KeyType, g.KeySize, g.EllipticCurve, g.SignatureAlgorithm], expected, alias);
    await inspect(alias);
  }

  const iso = await generate({
    Alias: 'iso dates',
    CommonName: 'iso',
    Country: 'DE',
    KeySize: 2048,
    ValidNotBefore: '2026-01-01T00:00:00',
    ValidNotAfter: '2027-01-01T12:00:00+02:00',
  });
  assert.equal(iso.status, 204, iso.text);
  const d = await entry(h.admin, 'iso dates');
  assert.equal(d.ValidNotBefore, `/Date(${Date.UTC(2026, 0, 1)}+0000)/`);
  assert.equal(d.ValidNotAfter, `/Date(${Date.UTC(2027, 0, 1, 10)}+0000)/`);

  const renewal = await generate(
    { Alias: 'next key', CommonName: 'next', Country: 'DE', KeySize: 2048 },
    'keystoreName=KeyRenewal&returnKeystoreEntries=true',
  );
  assert.equal(renewal.status, 200, renewal.text);
  assert.deepEqual(
    renewal.json.d.results.map((x: { Alias: string; Status: string }) => [x.Alias, x.Status]),
    [['next key', 'new']],
  );
});

test('KeyPairGenerationRequests refusals: required fields, types, names, sizes, dates; nothing is stored', async () => {
  const base = { Alias: 'refused', CommonName: 'x', Country: 'DE', KeySize: 2048 };
  const cases: [string, Record<string, unknown>, string, number, string | RegExp][] = [
    [
      'no CommonName',
      { ...base, CommonName: undefined },
      '',
      400,
      "Property 'CommonName' cannot be empty. Enter a valid value.",
    ],
    [
      'blank CommonName',
      { ...base, CommonName: '  ' },
      '',
      400,
      "Property 'CommonName' cannot be empty. Enter a valid value.",
    ],
    ['no Country', { ...base, Country: null }, '', 400, "Property 'Country' cannot be empty. Enter a valid value."],
    ['no Alias', { ...base, Alias: '' }, '', 400, "Property 'Alias' cannot be empty. Enter a valid value."],
    ['country of three letters', { ...base, Country: 'DEU' }, '', 400, /two-letter/],
    ['exists', { ...base, Alias: 'defaults' }, '', 400, 'Keystore entry with alias "defaults" already exists'],
    [
      'reserved',
      { ...base, Alias: 'sap_generated' },
      '',
      403,
      "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.",
    ],
    [
      'key type',
      { ...base, KeyType: 'Ed25519' },
      '',
      400,
      "The value 'Ed25519' of the property 'KeyType' is not supported; use RSA, DSA or EC.",
    ],
    ['signature for another key', { ...base, SignatureAlgorithm: 'SHA-256/DSA' }, '', 400, /does not fit/],
    ['unknown signature', { ...base, SignatureAlgorithm: 'MD5/RSA' }, '', 400, /not supported/],
    ['EC size', { ...base, KeyType: 'EC', KeySize: 113 }, '', 400, /EC key size 113/],
    ['curve', { ...base, KeyType: 'EC', KeyAlgorithmParameter: 'nocurve' }, '', 400, /nocurve/],
    ['RSA size', { ...base, KeySize: 100 }, '', 400, /RSA key size 100/],
    ['size not a number', { ...base, KeySize: 'big' }, '', 400, "The value of the property 'KeySize' is not valid."],
    [
      'date',
      { ...base, ValidNotAfter: 'tomorrow' },
      '',
      400,
      "The value of the property 'ValidNotAfter' is not valid.",
    ],
    [
      'dates reversed',
      { ...base, ValidNotBefore: '/Date(1564293029780)/', ValidNotAfter: '/Date(1469685029780)/' },
      '',
      400,
      'ValidNotAfter must be later than ValidNotBefore.',
    ],
    ['extensions', { ...base, Extensions: 'MAA=' }, '', 400, "The property 'Extensions' is not supported."],
    [
      'missing with update',
      { ...base, Alias: 'nothing' },
      'update=true',
      400,
      'Keystore entry with alias "nothing" does not exist',
    ],
    ['keystore', base, 'keystoreName=KeyHistory', 400, "Keystore name 'KeyHistory' is invalid."],
  ];
  for (const [name, body, options, status, text] of cases) {
    const r = await unchanged(h.admin, () => generate(body, options));
    assert.equal(r.status, status, `${name}: ${r.text}`);
    if (typeof text === 'string') assert.equal(r.json.error.message.value, text, name);
    else assert.match(r.json.error.message.value, text, name);
  }
  const malformed = await unchanged(h.admin, () =>
    h.admin.write('POST', '/KeyPairGenerationRequests', "{'Alias':'x'}", { accept: 'application/json' }),
  );
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.error.message.value, "An exception of type 'MalformedJsonException' occurred.");
});

test("RSAKeyGenerationRequests: the client's PKCS#1 key with a self-signed certificate; only system", async () => {
  const rsaFile = pkiKey('rsa.pkcs1.pem').toString('base64');
  const r = await rsaRequest({
    Hexalias: 'AB',
    Alias: 'own rsa',
    RSAFile: rsaFile,
    CommonName: 'own rsa',
    Country: 'DE',
    SignatureAlgorithm: 'SHA-256/RSA',
    SerialNumber: '0x11F11',
  });
  assert.equal(r.status, 204, r.text);
  const e = await entry(h.admin, 'own rsa');
  assert.deepEqual(
    [e.KeyType, e.KeySize, e.SignatureAlgorithm, e.SerialNumber],
    ['RSA', 2048, 'SHA256withRSA', '0x11F11'],
  );
  await inspect('own rsa');
  const cert = await entryValue(h.admin, 'own rsa', 'Certificate');
  assert.equal(await publicKeyOf('x509', cert.text), await ok('openssl', ['pkey', '-pubout'], pkiKey('rsa.pkcs1.pem')));
  // SAP's default signature, SHA-512, for a request without one.
  const plain = await rsaRequest(
    { Alias: 'own rsa 2', RSAFile: rsaFile, CommonName: 'x', Country: 'DE' },
    'returnKeystoreEntries=true',
  );
  assert.equal(plain.status, 200, plain.text);
  assert.equal(
    plain.json.d.results.find((x: { Alias: string }) => x.Alias === 'own rsa 2').SignatureAlgorithm,
    'SHA512withRSA',
  );

  const cases: [string, Record<string, unknown>, string, number, string | RegExp][] = [
    [
      'not RSA',
      { RSAFile: pkiKey('ec256.sec1.pem').toString('base64') },
      '',
      400,
      'The RSAFile does not hold an RSA private key.',
    ],
    ['not a key', { RSAFile: Buffer.from('hello').toString('base64') }, '', 400, /The RSAFile cannot be read/],
    ['over 10 000 bytes', { RSAFile: Buffer.alloc(10_001, 0x41).toString('base64') }, '', 413, /10000 bytes/],
    ['no RSAFile', { RSAFile: null }, '', 400, "Property 'RSAFile' cannot be empty. Enter a valid value."],
    ['serial', { SerialNumber: 'abc' }, '', 400, /SerialNumber/],
    ['KeyRenewal', {}, 'keystoreName=KeyRenewal', 400, "Keystore name 'KeyRenewal' is invalid."],
    ['exists', { Alias: 'own rsa' }, '', 400, 'Keystore entry with alias "own rsa" already exists'],
  ];
  for (const [name, fields, options, status, text] of cases) {
    const body = { Alias: 'refused rsa', RSAFile: rsaFile, CommonName: 'x', Country: 'DE', ...fields };
    const res = await unchanged(h.admin, () => rsaRequest(body, options));
    assert.equal(res.status, status, `${name}: ${res.text}`);
    if (typeof text === 'string') assert.equal(res.json.error.message.value, text, name);
    else assert.match(res.json.error.message.value, text, name);
  }
});

/** `type AAAA…` of an authorized_keys line. */
const keyBlob = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ');

test('SSHKeyGenerationRequests: OpenSSH and PuTTY keys under id_rsa, id_dsa, id_ec; 200 with the alias', async () => {
  for (const [file, alias] of [
    ['id_rsa', 'id_rsa'],
    ['id_dsa', 'id_dsa'],
    ['id_ecdsa', 'id_ec'],
  ] as const) {
    const r = await sshRequest({ SSHFile: pkiKey(file).toString('base64'), CommonName: `ssh ${alias}`, Country: 'DE' });
    assert.equal(r.status, 200, `${file}: ${r.text}`);
    assert.deepEqual(r.json, { d: { Alias: alias } });
    const e = await entry(h.admin, alias);
    assert.equal(e.SubjectDN, `CN=ssh ${alias}, C=DE`);
    await inspect(alias);
    const pub = pkiKey(`${file}.pub`).toString();
    if (alias === 'id_ec') {
      // SAP offers no SSH export of EC keys; the certificate carries the SSH key nevertheless.
      const spki = await ok('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', files.write('ec.pub', pub)]);
      assert.equal(await publicKeyOf('x509', (await entryValue(h.admin, alias, 'Certificate')).text), spki);
    } else {
      const ssh = await entryValue(h.admin, alias, 'Sshkey');
      assert.equal(ssh.status, 200, ssh.text);
      assert.equal(keyBlob(ssh.text), keyBlob(pub));
      assert.ok(ssh.text.endsWith(` ${alias}`));
    }
  }
  // PuTTY replaces id_rsa with update=true; the certificate without a CommonName is named after the alias.
  const exists = await unchanged(h.admin, () => sshRequest({ SSHFile: pkiKey('rsa-v2.ppk').toString('base64') }));
  assert.equal(exists.status, 400, exists.text);
  assert.equal(exists.json.error.message.value, 'Keystore entry with alias "id_rsa" already exists');
  const putty = await sshRequest(
    { SSHFile: pkiKey('rsa-v2.ppk').toString('base64') },
    'update=true&returnKeystoreEntries=true',
  );
  assert.equal(putty.status, 200, putty.text);
  assert.equal(putty.json.d.results.find((x: { Alias: string }) => x.Alias === 'id_rsa').Status, 'changed');
  assert.equal((await entry(h.admin, 'id_rsa')).SubjectDN, 'CN=id_rsa');
  // puttygen made rsa-v2.ppk from id_rsa (fixtures/pki-keys/make-fixtures.sh): its public key is ssh-keygen's id_rsa.pub.
  const expected = pkiKey('id_rsa.pub').toString();
  assert.equal(keyBlob((await entryValue(h.admin, 'id_rsa', 'Sshkey')).text), keyBlob(expected));
  // An encrypted key with its password; the key file's own text is taken as well as its base64.
  const enc = await sshRequest({ SSHFile: pkiKey('id_rsa_enc').toString(), Password: 'secret' }, 'update=true');
  assert.equal(enc.status, 200, enc.text);
  assert.equal(
    keyBlob((await entryValue(h.admin, 'id_rsa', 'Sshkey')).text),
    keyBlob(pkiKey('id_rsa_enc.pub').toString()),
  );

  const cases: [string, Record<string, unknown>, number, string | RegExp][] = [
    [
      'wrong password',
      { SSHFile: pkiKey('id_rsa_enc').toString('base64'), Password: 'wrong' },
      400,
      /The SSHFile cannot be read/,
    ],
    [
      'Ed25519',
      { SSHFile: pkiKey('id_ed25519').toString('base64') },
      400,
      'Only RSA, DSA and EC SSH keys can be stored.',
    ],
    ['garbage', { SSHFile: Buffer.from('not a key').toString('base64') }, 400, /The SSHFile cannot be read/],
    ['over 10 000 bytes', { SSHFile: Buffer.alloc(10_001, 0x41).toString('base64') }, 413, /10000 bytes/],
    ['no file', {}, 400, "Property 'SSHFile' cannot be empty. Enter a valid value."],
  ];
  for (const [name, body, status, text] of cases) {
    const r = await unchanged(h.admin, () => sshRequest(body, 'update=true'));
    assert.equal(r.status, status, `${name}: ${r.text}`);
    if (typeof text === 'string') assert.equal(r.json.error.message.value, text, name);
    else assert.match(r.json.error.message.value, text, name);
  }
});
