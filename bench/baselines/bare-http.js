// The Node ceiling: a bare node:http server that answers every request with the same bytes from memory.
//
//   PORT=… node bench/baselines/bare-http.js <file> <content-type>
//
// Plain JavaScript, run without a loader, so that it costs what the smallest real Node server costs.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [file, type = 'application/octet-stream'] = process.argv.slice(2);
if (!file) throw new Error('usage: bare-http.js <file> <content-type>');
const body = readFileSync(file);
const headers = { 'content-type': type, 'content-length': String(body.length) };

createServer((req, res) => {
  // Read (and drop) any body, as a real server must before it answers on a kept-alive connection.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
