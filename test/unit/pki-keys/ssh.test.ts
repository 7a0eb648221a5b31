import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { describeKey, parsePrivateKey, privateKeyToPkcs8 } from '../../../src/pki/keys.js';
import { readSshPrivateKey, sshPublicKey } from '../../../src/pki/ssh.js';
import { certificate, fixture, fixtureText, missing, refused, runOk } from './helpers.js';

const ONLY = 'SSH key export is only available for RSA and DSA entries';

function text(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

/** Whether an authorized_keys line holds the public half of `key`, for every SSH key type. */
function matchesPublicLine(key: KeyObject, line: string): boolean {
  const [type, blob] = line.trim().split(' ') as [string, string];
  if (type === 'ssh-rsa' || type === 'ssh-dss') return sshPublicKey(key, '') === `${type} ${blob}`;
  const raw = Buffer.from(blob, 'base64');
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (type === 'ssh-ed25519') return raw.subarray(-32).toString('base64url') === jwk.x;
  // ecdsa-sha2-nistpNNN: the point is the blob's last string, 0x04 ‖ x ‖ y.
  const size = Buffer.from(jwk.x!, 'base64url').length;
  const point = raw.subarray(raw.length - (1 + 2 * size));
  return (
    point.subarray(1, 1 + size).toString('base64url') === jwk.x &&
    point.subarray(1 + size).toString('base64url') === jwk.y
  );
}

describe('readSshPrivateKey: OpenSSH format (ssh-keygen)', () => {
  for (const [file, type, size] of [
    ['id_rsa', 'RSA', 2048],
    ['id_dsa', 'DSA', 1024],
    ['id_ecdsa', 'EC', 384],
    ['id_ed25519', 'Ed25519', 255],
  ] as const) {
    it(`reads ${file} (${type}), whose public half is ${file}.pub`, () => {
      const key = readSshPrivateKey(fixture(file));
      assert.equal(describeKey(key).keyType, type);
      assert.equal(describeKey(key).keySize, size);
      assert.ok(matchesPublicLine(key, fixtureText(`${file}.pub`)));
    });
  }

  for (const file of ['id_rsa_enc', 'id_ed25519_enc', 'id_ecdsa_gcm']) {
    it(`decrypts ${file} (bcrypt-pbkdf, ${file === 'id_ecdsa_gcm' ? 'AES-256-GCM' : 'AES-256-CTR'}) with the password`, () => {
      assert.ok(matchesPublicLine(readSshPrivateKey(fixture(file), 'secret'), fixtureText(`${file}.pub`)));
    });
  }

  it("refuses OpenSSH's own ChaCha20-Poly1305 variant, which node:crypto does not offer", () => {
    refused(
      () => readSshPrivateKey(fixture('id_ed25519_chacha'), 'secret'),
      'unsupported',
      /chacha20-poly1305@openssh\.com are not supported/,
    );
  });

  it('refuses an encrypted key without a password or with a wrong one', () => {
    refused(
      () => readSshPrivateKey(fixture('id_rsa_enc')),
      'password',
      'The SSH private key is encrypted and no password was given',
    );
    refused(
      () => readSshPrivateKey(fixture('id_rsa_enc'), 'wrong'),
      'password',
      'The password of the SSH private key is incorrect',
    );
    refused(
      () => readSshPrivateKey(fixture('id_ecdsa_gcm'), 'wrong'),
      'password',
      'The password of the SSH private key is incorrect',
    );
  });

  it('gives the key ssh-keygen itself converts to PEM', { skip: missing('ssh-keygen') }, () => {
    // ssh-keygen -p rewrites the file in place; -m PEM makes it a PKCS#1 "RSA PRIVATE KEY".
    const out = runOk('sh', ['-c', 'ssh-keygen -p -q -N "" -P "" -m PEM -f id && cat id'], { id: fixture('id_rsa') });
    assert.match(out, /-----BEGIN RSA PRIVATE KEY-----/);
    assert.deepEqual(privateKeyToPkcs8(readSshPrivateKey(fixture('id_rsa'))), privateKeyToPkcs8(parsePrivateKey(out)));
  });
});

describe('readSshPrivateKey: PEM keys (ssh-keygen -m PEM)', () => {
  it('reads RSA PRIVATE KEY, also encrypted', () => {
    assert.ok(matchesPublicLine(readSshPrivateKey(fixture('id_rsa_pem')), fixtureText('id_rsa_pem.pub')));
    assert.ok(
      matchesPublicLine(readSshPrivateKey(fixture('id_rsa_pem_enc'), 'secret'), fixtureText('id_rsa_pem_enc.pub')),
    );
    refused(() => readSshPrivateKey(fixture('id_rsa_pem_enc'), 'wrong'), 'password');
  });

  it('reads the DSA and EC PEM keys of openssl', () => {
    assert.equal(readSshPrivateKey(fixture('dsa.key.pem')).asymmetricKeyType, 'dsa');
    assert.equal(readSshPrivateKey(fixture('ec256.sec1.pem')).asymmetricKeyType, 'ec');
  });
});

describe('readSshPrivateKey: PuTTY .ppk (puttygen)', () => {
  const rsa = privateKeyToPkcs8(readSshPrivateKey(fixture('id_rsa')));
  const dsa = privateKeyToPkcs8(readSshPrivateKey(fixture('id_dsa')));

  for (const [file, expected] of [
    ['rsa-v2.ppk', rsa],
    ['rsa-v3.ppk', rsa],
    ['dsa-v2.ppk', dsa],
    ['dsa-v3.ppk', dsa],
  ] as const) {
    it(`reads ${file}: the key puttygen converted`, () => {
      assert.deepEqual(privateKeyToPkcs8(readSshPrivateKey(fixture(file))), expected);
    });
  }

  it('decrypts version 2 files (AES-256-CBC) and checks the password by the MAC', () => {
    assert.deepEqual(privateKeyToPkcs8(readSshPrivateKey(fixture('rsa-v2-enc.ppk'), 'secret')), rsa);
    refused(
      () => readSshPrivateKey(fixture('rsa-v2-enc.ppk'), 'wrong'),
      'password',
      'The password of the SSH private key is incorrect',
    );
    refused(() => readSshPrivateKey(fixture('rsa-v2-enc.ppk')), 'password');
  });

  it('refuses version 3 encryption (Argon2) and key types other than RSA and DSA', () => {
    refused(() => readSshPrivateKey(fixture('rsa-v3-enc.ppk'), 'secret'), 'unsupported', /version 3 \(Argon2\)/);
    refused(
      () => readSshPrivateKey(fixture('ecdsa-v3.ppk')),
      'unsupported',
      'PuTTY keys are accepted for RSA and DSA only, not ecdsa-sha2-nistp384',
    );
  });

  it('refuses a file whose MAC does not match', () => {
    const changed = fixtureText('rsa-v3.ppk').replace('Comment: rsa@openkeystore', 'Comment: someone else');
    refused(() => readSshPrivateKey(text(changed)), 'malformed', /MAC does not match/);
  });
});

describe('readSshPrivateKey: other input', () => {
  it('refuses what is no SSH private key', () => {
    refused(
      () => readSshPrivateKey(fixture('id_rsa.pub')),
      'malformed',
      'The input is not an SSH private key (OpenSSH, PEM or PuTTY)',
    );
    refused(
      () => readSshPrivateKey(text('---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nAAAA\n')),
      'unsupported',
      /SSH\.COM/,
    );
    refused(() => readSshPrivateKey(fixture('leaf.pem')), 'malformed');
    const broken = fixtureText('id_rsa').replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    assert.throws(() => readSshPrivateKey(text(broken)));
  });
});

describe('sshPublicKey', () => {
  it('writes the lines ssh-keygen wrote for RSA and DSA keys', () => {
    assert.equal(
      sshPublicKey(readSshPrivateKey(fixture('id_rsa')), 'rsa@openkeystore'),
      fixtureText('id_rsa.pub').trim(),
    );
    assert.equal(
      sshPublicKey(readSshPrivateKey(fixture('id_dsa')), 'dsa@openkeystore'),
      fixtureText('id_dsa.pub').trim(),
    );
  });

  it("takes a certificate's SubjectPublicKeyInfo (what `ssh-keygen -y` makes of the key)", () => {
    assert.equal(
      sshPublicKey(parseCertificate(certificate('rsa.crt.pem')).subjectKeyDer, ''),
      fixtureText('rsa.sshpub').trim(),
    );
    assert.equal(
      sshPublicKey(parseCertificate(certificate('dsa.crt.pem')).subjectKeyDer, ''),
      fixtureText('dsa.sshpub').trim(),
    );
  });

  it('takes public keys and keeps the comment on one line', () => {
    const key = createPublicKey(parsePrivateKey(fixture('rsa.key.pem')));
    assert.equal(sshPublicKey(key, 'a\nb'), `${fixtureText('rsa.sshpub').trim()} a b`);
  });

  it(`refuses other key types: "${ONLY}"`, () => {
    refused(() => sshPublicKey(parsePrivateKey(fixture('ec256.sec1.pem')), 'x'), 'unsupported', ONLY);
    refused(
      () => sshPublicKey(parseCertificate(certificate('ed25519.crt.pem')).subjectKeyDer, 'x'),
      'unsupported',
      ONLY,
    );
    refused(() => sshPublicKey(Uint8Array.of(0x30, 0x00), 'x'), 'malformed');
  });

  it('is read by ssh-keygen, which shows the same fingerprint as for the original', {
    skip: missing('ssh-keygen'),
  }, () => {
    for (const name of ['id_rsa', 'id_dsa']) {
      const line = sshPublicKey(readSshPrivateKey(fixture(name)), 'x');
      const ours = runOk('ssh-keygen', ['-l', '-f', 'k.pub'], { 'k.pub': `${line}\n` }).split(' ')[1];
      const theirs = runOk('ssh-keygen', ['-l', '-f', 'k.pub'], { 'k.pub': fixture(`${name}.pub`) }).split(' ')[1];
      assert.equal(ours, theirs, name);
    }
  });
});
