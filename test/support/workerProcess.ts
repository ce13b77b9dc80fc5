/**
 * A worker in its own process, for crash, abort and shutdown tests:
 * `node test/support/workerProcess.ts` with DATABASE_URL set. Prints
 * `ready <worker id>` once it takes work; SIGTERM stops it gracefully.
 */
import { createEngine } from "@docket/engine";
import { fixtureJobsDir } from "./fixtureJobsDir.ts";
import { shiftedClock } from "./shiftedClock.ts";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error("DATABASE_URL is required");
const engine = await createEngine({
  connectionString,
  jobsDir: process.env.DOCKET_JOBS_DIR ?? fixtureJobsDir,
  // Set by tests that move time forward (shiftedClockEnv).
  ...(process.env.DOCKET_TEST_SHIFTED_CLOCK ? { scheduleClock: shiftedClock } : {}),
});
const worker = await engine.startWorker({
  parkThresholdMs: Number(process.env.DOCKET_PARK_THRESHOLD_MS ?? 5_000),
  shutdownGraceMs: Number(process.env.DOCKET_SHUTDOWN_GRACE_MS ?? 10_000),
  pollingIntervalSeconds: 1,
});
process.on("SIGTERM", async () => {
  await worker.stop();
  await engine.stop();
  console.log("stopped");
  process.exit(0);
});
// A test runner that dies (a timeout, Ctrl-C) closes our stdin: exit rather than linger
// as an orphan holding database connections.
process.stdin.on("end", () => process.exit(1));
process.stdin.resume();
console.log(`ready ${worker.id}`);
