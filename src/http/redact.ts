const SECRET_PARAMS = /([?&](?:client_secret|password|secret|token|access_token)=)[^&#]*/gi;

/** A request URL fit for a log line: secret query parameters replaced by ***. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}
