import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "packages/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // Each file gets its own database (test/support/testDatabase.ts), so files run in parallel.
    fileParallelism: true,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
