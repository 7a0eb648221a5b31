import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { basic, type RunningServer, startServer } from '../helpers/server.js';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { error?: string; message?: string };
}

/**
 * GET /v1/projects from a chosen local address: every 127.x.y.z reaches the loopback server, which then sees a
 * different client address.
 */
function get(s: RunningServer, authorization: string, from = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: s.port, path: '/v1/projects', localAddress: from, headers: { authorization } },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          const header = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: header, body: JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('failed logins per client and name are limited: 429 with Retry-After', () => {
  let s: RunningServer;
  let right: string;
  const wrong = () => basic('admin', 'not the password');

  before(async () => {
    s = await startServer({ env: { OPENKEYSTORE_LOGIN_FAILURES: '3', OPENKEYSTORE_LOGIN_WINDOW_SECONDS: '3' } });
    right = basic(s.adminUser, s.adminPassword);
  });
  after(() => s.stop());

  test('three failures, then even the right password waits; other clients and names do not', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await get(s, wrong())).status, 401);
    const throttled = await get(s, right);
    assert.equal(throttled.status, 429);
    assert.deepEqual(Object.keys(throttled.body).sort(), ['error', 'message']);
    assert.equal(throttled.body.error, 'throttled');
    const wait = Number(throttled.retryAfter);
    assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 3, `Retry-After: ${throttled.retryAfter}`);

    assert.equal((await get(s, right, '127.0.0.2')).status, 200, 'the same user from another address');
    assert.equal((await get(s, basic('nobody', 'x'))).status, 401, 'another name from the same address');

    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    assert.equal((await get(s, right)).status, 200, 'after Retry-After seconds');
  });

  test('a success clears the count', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await get(s, wrong(), '127.0.0.3')).status, 401);
    assert.equal((await get(s, right, '127.0.0.3')).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await get(s, wrong(), '127.0.0.3')).status, 401);
    assert.equal((await get(s, right, '127.0.0.3')).status, 200);
  });
});
