import type { FastifyReply } from 'fastify';
import { contentDisposition } from './safe-name.js';

/** A file download as the seed shows it: octet-stream, attachment with a safe name, always a Content-Length. */
export function sendDownload(reply: FastifyReply, fileName: string, bytes: Uint8Array): FastifyReply {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return reply
    .code(200)
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', contentDisposition(fileName))
    .header('content-length', body.length)
    .send(body);
}
