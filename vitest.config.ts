import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./test/support/slowFirstSequencer.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "packages/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts", "test/support/buildDesigner.ts"],
    // Engines in tests log only errors (a test that reads the log sets its own level).
    env: { DOCKET_LOG_LEVEL: process.env.DOCKET_LOG_LEVEL ?? "error" },
    testTimeout: 90_000,
    // expect.poll's default (1 s) is too short for a page or a run on a loaded 2-core CI machine;
    // a poll that comes true returns at once, so only a failing one waits this long.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 90_000,
    // Each file gets its own database (test/support/testDatabase.ts), so files run in parallel.
    fileParallelism: true,
    // Three files at a time on 2 cores (vitest's default there is one): many files mostly
    // wait — on worker processes being killed and resumed, on a browser, or on spawned commands.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
