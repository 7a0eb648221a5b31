import type { FastifyRequest } from 'fastify';
import { type ApiOpsError, badRequest } from './errors.js';
import type { ApiOpsLimits } from './limits.js';
import { text } from './messages.js';

/** One uploaded file part, read whole: certificates and archives are small enough to hold in memory. */
export interface UploadedFile {
  fieldName: string;
  fileName: string;
  data: Buffer;
}

export interface FormParts {
  /** Text fields in the order sent; a repeated field keeps every value. */
  fields: Map<string, string[]>;
  files: Map<string, UploadedFile[]>;
}

/** Per route: which file parts may be how large. */
export interface FormLimits {
  fileBytes: number;
}

// A certificate form has five fields and one file; these leave room for clients that send extras.
const MAX_FILES = 4;
const MAX_FIELDS = 32;
const MAX_PARTS = 40;

/**
 * Reads a multipart/form-data body whole. Every failure is the caller's input, so it becomes a 400 in
 * Apinizer's form, and the rest of the body is drained first so the client reads the answer rather than
 * a reset connection. A request without a body gives an empty form: its fields may come from the query
 * string (A8), and what is missing is reported as "… can not be empty!". A body of another type is refused.
 */
export async function readForm(req: FastifyRequest, limits: ApiOpsLimits, form: FormLimits): Promise<FormParts> {
  const declared = Number(req.headers['content-length']);
  // Beyond this the body is not worth reading even to discard it: answer and close the connection.
  if (Number.isFinite(declared) && declared > limits.requestBytes) throw badRequest(text.fileTooLarge, true);
  const out: FormParts = { fields: new Map(), files: new Map() };
  if (!req.isMultipart()) {
    // No body at all: the fields may all be in the query string. A body of another kind can't hold the file.
    const type = req.headers['content-type'];
    if (type !== undefined && type.trim() !== '') throw badRequest(text.unsupportedMediaType(type));
    return out;
  }

  let failure: ApiOpsError | undefined;
  try {
    const parts = req.parts({
      limits: {
        fileSize: form.fileBytes,
        fieldSize: limits.fieldBytes,
        fieldNameSize: 200,
        files: MAX_FILES,
        fields: MAX_FIELDS,
        parts: MAX_PARTS,
        headerPairs: 50,
      },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        const chunks: Buffer[] = [];
        // busboy stops handing over data at fileSize and discards the rest, so this never holds more.
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        // Keep reading the other parts: the body is then consumed and the answer reaches the client.
        if (part.file.truncated) failure ??= badRequest(text.fileTooLarge);
        else
          push(out.files, part.fieldname, {
            fieldName: part.fieldname,
            fileName: part.filename,
            data: Buffer.concat(chunks),
          });
      } else {
        if (part.fieldnameTruncated || part.valueTruncated) failure ??= badRequest(text.fieldTooLong(part.fieldname));
        else push(out.fields, part.fieldname, typeof part.value === 'string' ? part.value : JSON.stringify(part.value));
      }
    }
  } catch (e) {
    req.raw.resume();
    throw multipartFailure(e);
  }
  if (failure) throw failure;
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** @fastify/multipart and busboy report bad bodies as errors with codes or plain messages. */
function multipartFailure(e: unknown): ApiOpsError {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  switch (code) {
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return badRequest(text.tooManyParts);
    case 'FST_REQ_FILE_TOO_LARGE':
      return badRequest(text.fileTooLarge);
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return badRequest(text.badJsonField);
    default:
      return badRequest(text.notMultipart);
  }
}
