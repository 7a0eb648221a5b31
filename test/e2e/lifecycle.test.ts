import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { asPostgresAdmin } from '../helpers/contents.js';
import { basic, startServer, testStore } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends raw bytes and collects whatever comes back until the server closes the connection. */
function rawExchange(port: number, sent: string): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(sent));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
  });
}

describe('health, readiness, timeouts and shutdown', () => {
  test('/health answers while alive; /ready names the store and how long it took to answer', async () => {
    const s = await startServer();
    try {
      const health = await fetch(`${s.url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${s.url}/ready`);
      assert.equal(ready.status, 200);
      const body = (await ready.json()) as { status: string; store: string; storeMs: number };
      assert.equal(body.status, 'ready');
      assert.equal(body.store, testStore);
      assert.equal(typeof body.storeMs, 'number');
      assert.ok(body.storeMs >= 0 && body.storeMs < 3000, String(body.storeMs));
    } finally {
      await s.stop();
    }
  });

  test('/ready answers 503 while PostgreSQL refuses connections, and 200 again once it takes them', {
    skip: testStore !== 'postgres' && 'PostgreSQL only: an embedded SQLite file is always reachable',
  }, async () => {
    const s = await startServer();
    const name = new URL(s.databaseUrl!).pathname.slice(1);
    try {
      await asPostgresAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await asPostgresAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      const down = await fetch(`${s.url}/ready`);
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json(), { status: 'unavailable', store: 'postgres' });
      assert.equal((await fetch(`${s.url}/health`)).status, 200, 'alive all the same');
      await asPostgresAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      const up = await fetch(`${s.url}/ready`);
      assert.equal(up.status, 200);
    } finally {
      await asPostgresAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await s.stop();
    }
  });

  test('a client that does not finish its request within the request timeout gets 408 and is cut off', async () => {
    const s = await startServer({ env: { OPENKEYSTORE_REQUEST_TIMEOUT_SECONDS: '1' } });
    try {
      const stalled = await rawExchange(
        s.port,
        `POST /v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic(s.adminUser, s.adminPassword)}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
      );
      assert.match(stalled.text, /^HTTP\/1\.1 408/);
      assert.ok(stalled.closedAfterMs >= 900 && stalled.closedAfterMs < 5000, `${stalled.closedAfterMs} ms`);
      const slowHeaders = await rawExchange(s.port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
      assert.match(slowHeaders.text, /^HTTP\/1\.1 408/);
      assert.ok(slowHeaders.closedAfterMs < 5000, `${slowHeaders.closedAfterMs} ms`);
      // An answered request does not buy the connection more time for the next one's headers.
      const unauthorized = await rawExchange(
        s.port,
        'POST /v1/projects HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na',
      );
      assert.match(unauthorized.text, /^HTTP\/1\.1 401/);
      assert.ok(unauthorized.closedAfterMs < 5000, `${unauthorized.closedAfterMs} ms`);
      assert.equal((await fetch(`${s.url}/health`)).status, 200, 'everyone else is served');
    } finally {
      await s.stop();
    }
  });

  test('SIGTERM: the request in flight finishes and is kept, new connections are refused, exit code 0', async () => {
    const s = await startServer();
    const exited = new Promise<number | null>((r) => s.process.once('exit', (code) => r(code)));
    const body = JSON.stringify({ name: 'made-during-shutdown', description: 'sent slowly' });
    const answer = new Promise<{ status: number; text: string; connection: string | undefined; at: number }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: s.port,
            method: 'POST',
            path: '/v1/projects',
            headers: {
              authorization: basic(s.adminUser, s.adminPassword),
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => {
              text += d;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection, at: Date.now() }),
            );
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        // The rest follows once the server is shutting down.
        sleep(1200).then(() => req.end(body.slice(10)));
      },
    );
    await sleep(500);
    s.process.kill('SIGTERM');
    await sleep(300);
    await assert.rejects(fetch(`${s.url}/health`), 'no new connections while shutting down');
    const done = await answer;
    assert.equal(done.status, 201, done.text);
    // Node's agent keeps connections alive; the answer closes this one so the process needn't wait for it.
    assert.equal(done.connection, 'close');
    assert.equal(await exited, 0);
    assert.ok(Date.now() - done.at < 2000, `exited ${Date.now() - done.at} ms after the last answer`);

    const again = await startServer({
      dataDir: s.dataDir,
      adminPassword: s.adminPassword,
      ...(s.databaseUrl ? { databaseUrl: s.databaseUrl } : {}),
    });
    try {
      const r = await fetch(`${again.url}/v1/projects/made-during-shutdown`, {
        headers: { authorization: basic(again.adminUser, s.adminPassword) },
      });
      assert.equal(r.status, 200, 'the write answered during shutdown is in the store');
    } finally {
      await again.stop();
      await s.stop();
    }
  });
});
