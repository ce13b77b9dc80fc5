/**
 * Worker processes for the bench (benchWorker.ts): spawned, told to start, and
 * stopped, each registered for cleanUp so none outlives the bench.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onCleanup } from "./support.ts";

const script = fileURLToPath(new URL("./benchWorker.ts", import.meta.url));
/** How long a worker may take to stop gracefully before it is killed. */
const stopTimeoutMs = 30_000;

export interface BenchWorker {
  readonly pid: number;
  /** Starts its worker; resolves with the worker id once it takes work. */
  start(): Promise<string>;
  /** SIGTERM, then SIGKILL if it has not exited after 30 s. */
  stop(): Promise<void>;
}

/**
 * Spawns `count` worker processes on `databaseUrl` with the jobs of `jobsDir`;
 * resolves once each has created its engine (none has started its worker yet).
 */
export async function spawnBenchWorkers(
  count: number,
  { databaseUrl, jobsDir }: { databaseUrl: string; jobsDir: string },
): Promise<BenchWorker[]> {
  const workers = Array.from({ length: count }, () => spawnBenchWorker(databaseUrl, jobsDir));
  await Promise.all(workers.map((worker) => worker.loaded));
  return workers;
}

function spawnBenchWorker(databaseUrl: string, jobsDir: string) {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DOCKET_FIXTURE_DATABASE_URL: databaseUrl,
      DOCKET_JOBS_DIR: jobsDir,
    },
    // stdin stays open while the bench lives: the worker exits when it closes.
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) resolve(match[1] ?? match[0]);
      };
      child.stdout.on("data", check);
      check();
      void exited.then(() =>
        reject(new Error(`bench worker ${child.pid} exited early (${child.exitCode}):\n${output}`)),
      );
    });
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
  });
  const worker: BenchWorker & { loaded: Promise<string> } = {
    pid: child.pid ?? -1,
    loaded: printed(/^engine$/m),
    start() {
      child.stdin.write("start\n");
      return printed(/^ready (\S+)$/m);
    },
    stop,
  };
  return worker;
}
