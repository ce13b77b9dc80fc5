/**
 * A worker in its own process for `npm run bench` (see workerProcesses.ts):
 * `node test/bench/benchWorker.ts` with DATABASE_URL and DOCKET_JOBS_DIR set.
 *
 * Creates an engine with its default options and prints `engine`; on a `start`
 * line on stdin starts one worker (default options, concurrency 10) and prints
 * `ready <worker id>` once it takes work. Starting on a signal lets the bench
 * start several workers at the same moment, after their engines loaded.
 * SIGTERM stops it gracefully; stdin closing (the bench died) ends it at once.
 */
import { createInterface } from "node:readline";
import { createEngine, type WorkerHandle } from "@docket/engine";

const connectionString = process.env.DATABASE_URL;
const jobsDir = process.env.DOCKET_JOBS_DIR;
if (!connectionString || !jobsDir) throw new Error("DATABASE_URL and DOCKET_JOBS_DIR are required");

const engine = await createEngine({ connectionString, jobsDir });
let worker: Promise<WorkerHandle> | undefined;

process.on("SIGTERM", async () => {
  await (await worker)?.stop();
  await engine.stop();
  console.log("stopped");
  process.exit(0);
});
// Ctrl-C reaches the whole process group: the bench stops its workers itself.
process.on("SIGINT", () => {});

const input = createInterface({ input: process.stdin });
input.on("close", () => process.exit(1));
input.on("line", async (line) => {
  if (line.trim() !== "start" || worker) return;
  worker = engine.startWorker({ concurrency: 10 }); // the default, said out loud
  console.log(`ready ${(await worker).id}`);
});
console.log("engine");
