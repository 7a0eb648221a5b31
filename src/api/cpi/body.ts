import type { IncomingMessage } from 'node:http';
import { CpiError } from './errors.js';

const tooLarge = (limit: number) =>
  new CpiError(413, `The request body is larger than the ${limit} bytes this resource takes.`);

/**
 * Past this much, an oversized body is refused at once and its connection dropped; below it, the rest is read
 * and thrown away before the 413 goes out. Answering while a client still sends makes the server close the
 * socket under it, and the client then sees a broken pipe instead of the 413.
 */
const DRAIN_LIMIT = 32 * 1024 * 1024;

/**
 * Reads a request body as raw bytes, whatever its Content-Type (D10), up to `limit` bytes. Nothing past the limit
 * is kept: a body over it, declared or streamed, is drained (up to DRAIN_LIMIT) and refused with 413.
 */
export function readBody(payload: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(payload.headers['content-length']);
    if (declared > DRAIN_LIMIT) {
      payload.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = declared > limit;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT) {
        cleanup();
        payload.resume();
        reject(tooLarge(limit));
        return;
      }
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (over) reject(tooLarge(limit));
      else resolve(Buffer.concat(chunks, size));
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
