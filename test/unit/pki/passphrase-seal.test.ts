// Sealing under a passphrase: round trip, wrong passphrase, tampering, and bounded key derivation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PkiError } from '../../../src/pki/errors.js';
import { isPassphraseSealed, openWithPassphrase, sealWithPassphrase } from '../../../src/pki/passphrase-seal.js';

const code = (c: string) => (e: unknown) => e instanceof PkiError && e.code === c;

describe('passphrase seal', () => {
  const plain = Buffer.from('a keystore package');
  const sealed = sealWithPassphrase(plain, 'correct horse');

  test('round trip; the header says what it is; each seal is different', () => {
    assert.ok(isPassphraseSealed(sealed));
    assert.equal(sealed.subarray(0, 6).toString(), 'OKSPKG');
    assert.deepEqual(openWithPassphrase(sealed, 'correct horse'), plain);
    assert.notDeepEqual(sealWithPassphrase(plain, 'correct horse'), sealed);
    assert.ok(!isPassphraseSealed(plain));
  });

  test('the passphrase is compared in NFC', () => {
    const composed = sealWithPassphrase(plain, 'Gr\u00fc\u00dfe');
    assert.deepEqual(openWithPassphrase(composed, 'Gru\u0308\u00dfe'), plain);
  });

  test('a wrong passphrase, a changed byte or changed parameters fail as "password"', () => {
    assert.throws(() => openWithPassphrase(sealed, 'wrong horse'), code('password'));
    for (const at of [12, 30, 45, sealed.length - 1]) {
      const changed = Buffer.from(sealed);
      changed[at]! ^= 1;
      assert.throws(() => openWithPassphrase(changed, 'correct horse'), code('password'), `byte ${at}`);
    }
    const r = Buffer.from(sealed);
    r[10] = 9;
    assert.throws(() => openWithPassphrase(r, 'correct horse'), code('password'));
  });

  test('parameters beyond the bounds are refused before any key is derived', () => {
    const costly = Buffer.from(sealed);
    costly[9] = 30;
    assert.throws(() => openWithPassphrase(costly, 'x'), code('unsupported'));
    const memory = Buffer.from(sealed);
    memory[9] = 20;
    memory[10] = 16;
    assert.throws(() => openWithPassphrase(memory, 'x'), code('unsupported'));
    assert.throws(() => openWithPassphrase(sealed.subarray(0, 40), 'x'), code('malformed'));
  });
});
