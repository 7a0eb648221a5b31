import { runCli } from './cli/run.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`openkeystore: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
