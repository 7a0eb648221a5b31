/**
 * A12: nothing is documented, so the limits are ours. A certificate is a few KB; 1 MB leaves room for long
 * chains and PEM comments while keeping a hostile upload cheap. Archives (import-file, later) get 10 MB.
 */
export interface ApiOpsLimits {
  /** Largest certificate file part (pemEncodedFile, certificateFile with one certificate). */
  certificateFileBytes: number;
  /** Largest archive file part (import-file with an export ZIP). */
  archiveBytes: number;
  /**
   * Largest request with a declared Content-Length that is read at all; beyond it the answer comes without
   * reading the body, and the connection is closed. The server-wide body limit, normally.
   */
  requestBytes: number;
  /** Largest text field: names, aliases, descriptions, environment lists. */
  fieldBytes: number;
}

export const defaultLimits = (requestBytes: number): ApiOpsLimits => ({
  certificateFileBytes: 1024 * 1024,
  archiveBytes: 10 * 1024 * 1024,
  requestBytes,
  fieldBytes: 64 * 1024,
});
