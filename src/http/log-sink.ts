/** Flushed when this much is waiting, or this long after the first line waited. */
const BATCH_BYTES = 16 * 1024;
const BATCH_DELAY_MS = 100;

/**
 * Where the server's log lines go: stdout, in batches. The logger's default writes each line with its own
 * system call, which under load cost more than answering a small request (the bench's row 1 with the log at
 * `info`). Lines keep their order; what waits is written when the process exits, and a SIGKILL loses at most
 * BATCH_DELAY_MS of lines. On Linux, process.stdout writes to a file, a pipe or a terminal synchronously.
 */
export class BatchedStdout {
  private lines: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: { write(chunk: string): unknown } = process.stdout) {
    process.once('exit', () => this.flush());
  }

  write(line: string): boolean {
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes >= BATCH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_DELAY_MS).unref();
    return true;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    this.bytes = 0;
    this.out.write(text);
  }
}
