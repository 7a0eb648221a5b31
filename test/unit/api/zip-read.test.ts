// The archive reader of API Ops imports: what it reads, and every way an archive is refused before harm.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { ApiOpsError } from '../../../src/api/apiops/errors.js';
import { isZip, readZip } from '../../../src/api/apiops/zip-read.js';
import { craftZip } from '../../helpers/zip-craft.js';

const limits = { maxEntries: 1000, maxEntryBytes: 1024 * 1024, maxTotalBytes: 4 * 1024 * 1024 };

function refused(bytes: Buffer | Uint8Array, description: string) {
  assert.throws(
    () => readZip(bytes, limits),
    (e: unknown) => e instanceof ApiOpsError && e.statusCode === 400 && e.description === description,
  );
}

describe('readZip', () => {
  test('reads what fflate and the export write, stored and deflated, folders skipped', () => {
    const zip = zipSync({
      'a.cer': [Buffer.from('first'), { level: 0 }],
      'dir/': new Uint8Array(0),
      'dir/b.cer': [Buffer.alloc(5000, 7), { level: 9 }],
    });
    assert.ok(isZip(zip));
    const files = readZip(zip, limits);
    assert.deepEqual(
      files.map((f) => [f.path, f.baseName, f.data.length]),
      [
        ['a.cer', 'a.cer', 5],
        ['dir/b.cer', 'b.cer', 5000],
      ],
    );
    assert.deepEqual(files[1]!.data, Buffer.alloc(5000, 7));
  });

  test('an empty archive is 22 bytes and holds nothing', () => {
    const empty = zipSync({});
    assert.equal(empty.length, 22);
    assert.ok(isZip(empty));
    assert.deepEqual(readZip(empty, limits), []);
  });

  test('a bomb whose header lies about its size stops at the declared size', () => {
    const zeros = Buffer.alloc(50 * 1024 * 1024);
    refused(
      craftZip([{ name: 'bomb.cer', data: zeros, deflate: true, declaredSize: 1000 }]),
      'The uploaded archive expands beyond the allowed size!',
    );
  });

  test('declared sizes beyond the limits are refused before anything is inflated', () => {
    // The data is 10 bytes: only the directory's claim can be what refuses it.
    const claim = (n: number) => ({ name: `f${n}.cer`, data: Buffer.alloc(10), declaredSize: 900 * 1024 });
    refused(
      craftZip([{ ...claim(0), declaredSize: 2 * 1024 * 1024 }]),
      'The uploaded archive expands beyond the allowed size!',
    );
    refused(craftZip([0, 1, 2, 3, 4].map(claim)), 'The uploaded archive expands beyond the allowed size!');
  });

  test('10,000 entries are refused from the end record alone', () => {
    const many = craftZip(Array.from({ length: 10_000 }, (_, i) => ({ name: `c${i}.cer`, data: Buffer.from('x') })));
    refused(many, 'The uploaded archive holds more than 1000 entries!');
  });

  test('paths outside the archive are refused, whole', () => {
    for (const name of ['../evil.cer', 'a/../../evil.cer', '/etc/evil.cer', 'C:/evil.cer', 'a\\..\\evil.cer'])
      refused(
        craftZip([
          { name: 'good.cer', data: Buffer.from('ok') },
          { name, data: Buffer.from('x') },
        ]),
        `Archive entry (${name}) points outside the archive!`,
      );
  });

  test('encryption, unknown methods, duplicates, bad CRCs and truncation are refused', () => {
    refused(craftZip([{ name: 'a.cer', data: Buffer.from('x'), flags: 1 }]), 'Encrypted archives can not be imported!');
    refused(
      craftZip([{ name: 'a.cer', data: Buffer.from('x'), method: 12 }]),
      'Archive entry (a.cer) is compressed with an unsupported method!',
    );
    refused(
      craftZip([
        { name: 'a.cer', data: Buffer.from('x') },
        { name: 'a.cer', data: Buffer.from('y') },
      ]),
      'Archive entry (a.cer) appears more than once!',
    );
    refused(
      craftZip([{ name: 'a.cer', data: Buffer.from('x'), crc: 1 }]),
      'The uploaded archive is not a valid ZIP file!',
    );
    const good = craftZip([{ name: 'a.cer', data: Buffer.from('hello'), deflate: true }]);
    refused(good.subarray(0, good.length - 30), 'The uploaded archive is not a valid ZIP file!');
    refused(Buffer.from('PK\u0003\u0004 not really'), 'The uploaded archive is not a valid ZIP file!');
    refused(
      craftZip([{ name: 'a.cer', data: Buffer.from('x'.repeat(100)), deflate: true, declaredSize: 200 }]),
      'The uploaded archive is not a valid ZIP file!',
    );
  });

  test('isZip tells archives from certificates', () => {
    assert.equal(isZip(Buffer.from('-----BEGIN CERTIFICATE-----')), false);
    assert.equal(isZip(Buffer.from([0x30, 0x82, 0x01, 0x00])), false);
    assert.equal(isZip(Buffer.alloc(0)), false);
  });
});
