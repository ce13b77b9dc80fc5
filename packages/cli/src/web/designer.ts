import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { describeBuildStep } from "./buildProgress.ts";
import type { RequestHandler } from "./httpServer.ts";
import { sendPlaceholderPage } from "./placeholderPage.ts";

/**
 * How long `next build` of the designer takes, for the help and the page shown
 * meanwhile. Measured on two cores without Next's type check (`docket start`
 * skips it): 35 s from a fresh clone at load 5; with the check, 65 s idle and
 * 1.5 to 3 min while test suites ran beside it (load 15 to 20).
 */
export const designerBuildEstimate =
  "about 40 s on two cores, up to two minutes when they are busy";

export interface DesignerOptions {
  /** The repository holding `app/`, `next.config.mjs` and `.next/`. */
  readonly repoRoot: string;
  readonly hostname: string;
  readonly port: number;
  /** Where progress notes go (stderr). */
  readonly log: (line: string) => void;
}

/** The Next.js designer, served in this process once built. */
export interface Designer {
  readonly handle: RequestHandler;
  stop(): Promise<void>;
}

type DesignerState =
  | { readonly kind: "building"; readonly startedAt: number }
  | { readonly kind: "preparing" }
  | { readonly kind: "ready"; readonly handler: RequestHandler }
  | { readonly kind: "failed"; readonly reason: string };

/** The part of Next's custom-server API used here (its CommonJS typings do not fit an ES import). */
type CreateNextServer = (options: {
  dev: boolean;
  dir: string;
  hostname: string;
  port: number;
}) => {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
};

/** Last part of a failed build's output worth printing. */
const maxBuildOutputChars = 20_000;

/**
 * Starts the designer without blocking: builds it first (`next build` in a
 * child process) when `.next/BUILD_ID` is missing or older than the sources,
 * then loads Next in this process. Until then, and if the build fails, it
 * answers with a placeholder page; the API never waits for any of this.
 */
export function startDesigner(options: DesignerOptions): Designer {
  let state: DesignerState = { kind: "preparing" };
  let build: ChildProcess | null = null;
  let buildOutput = "";
  let close: (() => Promise<void>) | null = null;
  let stopped = false;

  const prepare = async () => {
    if (await needsBuild(options.repoRoot)) {
      const started = Date.now();
      state = { kind: "building", startedAt: started };
      options.log(
        `Building the designer (next build) in the background, ${designerBuildEstimate}; the API answers meanwhile and the designer's page shows the build's progress…`,
      );
      const result = await runNextBuild(
        options.repoRoot,
        (child) => {
          build = child;
        },
        (output) => {
          buildOutput = output;
        },
      );
      build = null;
      if (stopped) return;
      if (!result.ok) {
        state = {
          kind: "failed",
          reason: "The Docket designer could not be built; the server's output says why.",
        };
        options.log(
          `The designer build failed (${result.exit}); the API keeps running. Output of next build:\n${result.output}`,
        );
        return;
      }
      options.log(`Designer built in ${Math.round((Date.now() - started) / 1000)} s.`);
    }
    state = { kind: "preparing" };
    // `next` is CommonJS: at runtime `default` is its module.exports, the server factory.
    // Next's types describe the ESM namespace, not the CommonJS default it really is.
    const { default: createNext } = (await import("next")) as unknown as {
      default: CreateNextServer;
    };
    const next = createNext({
      dev: false,
      dir: options.repoRoot,
      hostname: options.hostname,
      port: options.port,
    });
    await next.prepare();
    close = () => next.close();
    if (stopped) return;
    const handler = next.getRequestHandler();
    state = { kind: "ready", handler: (req, res) => void handler(req, res) };
    options.log("The designer is ready.");
  };
  prepare().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    state = {
      kind: "failed",
      reason: "The Docket designer could not start; the server's output says why.",
    };
    options.log(`The designer could not start: ${message}. The API keeps running.`);
  });

  return {
    handle: (req, res) => {
      switch (state.kind) {
        case "ready":
          state.handler(req, res);
          return;
        case "building":
          sendPlaceholderPage(res, describeBuilding(state.startedAt, buildOutput), {
            refresh: true,
          });
          return;
        case "preparing":
          sendPlaceholderPage(res, "The Docket designer is starting…", { refresh: true });
          return;
        case "failed":
          sendPlaceholderPage(res, state.reason, { refresh: false });
          return;
      }
    },
    stop: async () => {
      stopped = true;
      const child = build as ChildProcess | null;
      // The build runs in its own process group: end next build and the workers it spawned.
      if (child?.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          child.kill("SIGTERM");
        }
      }
      await close?.().catch(() => {});
    },
  };
}

/** What the page says while `next build` runs: for how long so far, and at which step. */
function describeBuilding(startedAt: number, output: string): string[] {
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  const step = describeBuildStep(output);
  return [
    `The Docket designer is being built (next build), which takes ${designerBuildEstimate}. It started ${seconds} s ago${step ? `; now: ${step}` : ""}.`,
    "It is built on first start and again whenever its sources changed.",
  ];
}

/** The designer's build directory: `DOCKET_NEXT_DIR` (as next.config.mjs reads it), else `.next`. */
export function nextBuildDir(repoRoot: string): string {
  return path.resolve(repoRoot, process.env.DOCKET_NEXT_DIR ?? ".next");
}

/** Whether `<build dir>/BUILD_ID` is missing or older than one of the designer's sources. */
export async function needsBuild(repoRoot: string): Promise<boolean> {
  const buildId = path.join(nextBuildDir(repoRoot), "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = (await stat(buildId)).mtimeMs;
  return (await newestSourceMtime(repoRoot)) > builtAt;
}

/**
 * What the built designer is made of: its own code, the SDK code it bundles
 * (`@docket/sdk`; the API it imports only as a type), Next's config, and the
 * locked versions of Next, React and the rest (a changed lock after `git pull`).
 */
const designerSources = {
  directories: ["app", "packages/sdk/src"],
  files: ["next.config.mjs", "package-lock.json"],
} as const;

async function newestSourceMtime(repoRoot: string): Promise<number> {
  const files = designerSources.files
    .map((file) => path.join(repoRoot, file))
    .filter((file) => existsSync(file));
  for (const directory of designerSources.directories) {
    const root = path.join(repoRoot, directory);
    if (!existsSync(root)) continue;
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      // Colocated tests are never bundled.
      if (entry.isFile() && !/\.test(-d)?\.tsx?$/.test(entry.name)) {
        files.push(path.join(entry.parentPath, entry.name));
      }
    }
  }
  const times = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
  return Math.max(0, ...times);
}

interface BuildResult {
  readonly ok: boolean;
  /** `exit code 1`, `signal SIGTERM`, or the spawn error. */
  readonly exit: string;
  readonly output: string;
}

function runNextBuild(
  repoRoot: string,
  onSpawn: (child: ChildProcess) => void,
  onOutput: (outputSoFar: string) => void,
): Promise<BuildResult> {
  const nextBin = path.join(repoRoot, "node_modules", "next", "dist", "bin", "next");
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(process.execPath, [nextBin, "build"], {
      cwd: repoRoot,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DOCKET_NEXT_TYPECHECK: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    onSpawn(child);
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-maxBuildOutputChars);
      onOutput(output);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("error", (error) => resolve({ ok: false, exit: error.message, output }));
    child.once("close", (code, signal) =>
      resolve({
        ok: code === 0,
        exit: signal ? `signal ${signal}` : `exit code ${code}`,
        output: output.trimEnd(),
      }),
    );
  });
}
