import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';

/** `-` names standard output or input, so a backup can go through a pipe (ssh, a cloud CLI) without a file. */
export const STDIO = '-';

/**
 * Writes gzip'd lines to FILE, or to standard output for `-`. The file appears under its name only once it is
 * complete and on disk: it is written beside it, fsynced, then renamed. Mode 0600: a backup holds password and
 * token hashes and the wrapped data keys.
 */
export async function writeGzipLines<T>(
  file: string,
  produce: (write: (line: string) => Promise<void>) => Promise<T>,
): Promise<T> {
  const gzip = createGzip();
  const temp = `${file}.partial-${process.pid}`;
  const sink = file === STDIO ? process.stdout : createWriteStream(temp, { mode: 0o600 });
  const done = pipeline(gzip, sink);
  // Seen by the writer below if the file can't be written at all, rather than an unhandled rejection.
  done.catch(() => undefined);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await Promise.race([once(gzip, 'drain'), done]);
  };
  try {
    const result = await produce(write);
    gzip.end();
    await done;
    if (file !== STDIO) {
      const fd = await open(temp, 'r');
      await fd.sync();
      await fd.close();
      await rename(temp, file);
    }
    return result;
  } catch (e) {
    gzip.destroy();
    if (file !== STDIO) await unlink(temp).catch(() => undefined);
    throw e;
  }
}

/** The lines of a gzip'd file (or standard input for `-`); a read or gzip error ends the iteration with it. */
export async function* readGzipLines(file: string): AsyncGenerator<string> {
  const source: Readable = file === STDIO ? process.stdin : createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip) {
      rest += decoder.write(chunk as Buffer);
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      yield* parts;
    }
    rest += decoder.end();
    if (rest) yield rest;
  } finally {
    // A reader that stops early (a refused backup) must not leave the file open.
    if (source !== process.stdin) source.destroy();
  }
}
