import type { IncomingMessage } from 'node:http';
import { CpiError } from './errors.js';

const tooLarge = (limit: number) =>
  new CpiError(413, `The request body is larger than the ${limit} bytes this resource takes.`);

/**
 * Reads a request body as raw bytes, whatever its Content-Type (D10), up to `limit` bytes. A declared length over
 * the limit is refused before anything is read; a body that grows past it is refused at the chunk that crosses it.
 * The rest is drained rather than left unread, so the client, still sending, gets to read the 413.
 */
export function readBody(payload: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(payload.headers['content-length']);
    if (declared > limit) {
      payload.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        payload.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new CpiError(400, `The request body could not be read: ${err.message}`));
    };
    const cleanup = () => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}
