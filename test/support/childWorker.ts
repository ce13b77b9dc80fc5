import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./workerProcess.ts", import.meta.url));

export interface ChildWorker {
  readonly process: ChildProcess;
  /** Resolves with the worker id once it takes work. */
  readonly ready: Promise<string>;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  output(): string;
}

/** Starts a worker process on `databaseUrl` with the fixture jobs. */
export function spawnWorker(databaseUrl: string, env: Record<string, string> = {}): ChildWorker {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DOCKET_FIXTURE_DATABASE_URL: databaseUrl,
      ...env,
    },
    // stdin stays open while this process lives: the worker exits when it closes (workerProcess.ts).
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", () => reject(new Error(`worker exited before it was ready:\n${output}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return { process: child, ready, exited, output: () => output };
}
