// The Node + database ceiling for imports: a bare node:http server that stores each request body as one row, one
// committed transaction per request, with the durability openkeystore's store has (SQLite in WAL mode with
// synchronous=NORMAL, or PostgreSQL's default synchronous commit).
//
//   PORT=… node bench/baselines/bare-store.js <sqlite file | postgres://…>
//
// Plain JavaScript, run without a loader, so that it costs what the smallest real Node server costs.
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';

const target = process.argv[2];
if (!target) throw new Error('usage: bare-store.js <sqlite file | postgres://…>');

/** @type {(path: string, body: Buffer) => Promise<unknown>} */
let insert;
if (/^postgres(ql)?:\/\//.test(target)) {
  const pool = new pg.Pool({ connectionString: target, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS uploads (id serial PRIMARY KEY, path text UNIQUE NOT NULL, body bytea)');
  insert = (path, body) => pool.query('INSERT INTO uploads (path, body) VALUES ($1, $2)', [path, body]);
} else {
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS uploads (id integer PRIMARY KEY, path text UNIQUE NOT NULL, body blob)');
  const statement = db.prepare('INSERT INTO uploads (path, body) VALUES (?, ?)');
  insert = async (path, body) => statement.run(path, body);
}

createServer((req, res) => {
  // A GET is the bench asking whether it listens.
  if (req.method === 'GET') {
    res.end('ok');
    return;
  }
  /** @type {Buffer[]} */
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    insert(req.url ?? '', Buffer.concat(chunks)).then(
      () => {
        res.writeHead(204);
        res.end();
      },
      (err) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      },
    );
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
