import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { needsBuild } from "../../packages/cli/src/web/designer.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The designer's build directory for browser tests, relative to the repository (DOCKET_NEXT_DIR). */
    designerDistDir: string;
  }
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Browser tests build into their own directory, so they never race `npm start`'s
 * `.next`: `DOCKET_TEST_NEXT_DIR`, else `.next-test`. Give concurrent test
 * sessions on one checkout different ones, or one's build replaces the files
 * the other's server is serving.
 */
export const designerTestDistDir = process.env.DOCKET_TEST_NEXT_DIR ?? ".next-test";

/** How long to wait for another session's `next build` into the same directory. */
const otherBuildTimeoutMs = 10 * 60_000;

/**
 * Builds the designer once per test session into `.next-test` when its sources
 * are newer than the last build, so browser tests (test/designer.*.test.ts)
 * find it ready — on a fresh clone too (`npm ci && npm test`). Skipped when the
 * run names test files and none is a designer test: `vitest run test/sets.test.ts`
 * should not pay for a `next build`.
 */
export default async function setup(project: TestProject) {
  // Test servers set DOCKET_NEXT_DIR from this in their own process (test/support/designerServer.ts);
  // it is not exported here, so tests that spawn `docket start` keep the usual `.next`.
  project.provide("designerDistDir", designerTestDistDir);
  // Vitest keeps the command line's file filters here (internal, hence the cast); none means every file.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (filters?.length && !filters.some((filter) => filter.includes("designer"))) return;
  const started = Date.now();
  while (await isStale()) {
    console.log(
      `Building the designer for browser tests (next build into ${designerTestDistDir})…`,
    );
    const result = await runNextBuild();
    if (result.ok) {
      console.log(`Designer built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      return;
    }
    // Next holds a lock on the build directory: another session is building it; use its build.
    if (result.output.includes("Another next build process is already running")) {
      if (Date.now() - started > otherBuildTimeoutMs) {
        throw new Error(`Another next build into ${designerTestDistDir} ran for over 10 min.`);
      }
      console.log("Another next build into the same directory is running; waiting for it…");
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      continue;
    }
    throw new Error(
      `next build failed (${result.exit}); browser tests cannot run. Output:\n${result.output}`,
    );
  }
}

/** `needsBuild` for the test build directory (it reads DOCKET_NEXT_DIR, as next.config.mjs does). */
async function isStale(): Promise<boolean> {
  const previous = process.env.DOCKET_NEXT_DIR;
  process.env.DOCKET_NEXT_DIR = designerTestDistDir;
  try {
    return await needsBuild(repoRoot);
  } finally {
    if (previous === undefined) delete process.env.DOCKET_NEXT_DIR;
    else process.env.DOCKET_NEXT_DIR = previous;
  }
}

function runNextBuild(): Promise<{ ok: boolean; exit: string; output: string }> {
  const nextBin = fileURLToPath(new URL("../../node_modules/next/dist/bin/next", import.meta.url));
  return new Promise((resolve, reject) => {
    let output = "";
    const child = spawn(process.execPath, [nextBin, "build"], {
      cwd: repoRoot,
      env: { ...process.env, DOCKET_NEXT_DIR: designerTestDistDir, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ ok: code === 0, exit: signal ?? `exit code ${code}`, output }),
    );
  });
}
