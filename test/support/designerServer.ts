import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiRequestHandler } from "@docket/api";
import { createEngine, type Engine, type WorkerHandle } from "@docket/engine";
import { inject } from "vitest";
import { nextBuildDir } from "../../packages/cli/src/web/designer.ts";
import { type DocketServer, listen } from "../../packages/cli/src/web/httpServer.ts";
import { repoJobsDir } from "./fixtureJobsDir.ts";
import { freePort } from "./freePort.ts";
import { createTestDatabase, type TestDatabase } from "./testDatabase.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export type TestUserRole = "admin" | "staff" | "viewer";

export interface TestUser {
  readonly name: string;
  readonly role: TestUserRole;
  readonly password: string;
  readonly displayName?: string;
}

/** Users every designer server has unless `users` says otherwise. */
export const defaultTestUsers: readonly TestUser[] = [
  { name: "ada", displayName: "Ada Admin", role: "admin", password: "ada-password-1" },
  { name: "sam", displayName: "Sam Staff", role: "staff", password: "sam-password-1" },
  { name: "vic", displayName: "Vic Viewer", role: "viewer", password: "vic-password-1" },
];

export interface DesignerServerOptions {
  /** Job types to load. Default: the repository's `jobs/` (the demo catalog's jobs). */
  readonly jobsDir?: string;
  /**
   * Seed the demo catalog (`records` items, about half as many bibliographic
   * records), its example sets and, with `schedules`, the inactive example
   * schedules. Default: no catalog.
   */
  readonly demo?: { readonly records: number; readonly schedules?: boolean };
  /** Users created with these passwords. Default `defaultTestUsers`. */
  readonly users?: readonly TestUser[];
  /** Start a worker in this process so runs execute. Default true. */
  readonly worker?: boolean;
}

/** A running Docket (API + built designer + worker) on its own database and port. */
export interface DesignerServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly engine: Engine;
  readonly database: TestDatabase;
  readonly users: readonly TestUser[];
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Serves the API and the designer built by test/support/buildDesigner.ts on a
 * free loopback port, as `docket start` does, over a fresh test database.
 * Resolves once Next is ready to answer.
 *
 * @example
 * await using server = await startDesignerServer({ demo: { records: 200 } });
 * await using browser = await openBrowser();
 * const page = await newPage(browser, server.url);
 */
export async function startDesignerServer(
  options: DesignerServerOptions = {},
): Promise<DesignerServer> {
  // next.config.mjs reads this when Next loads in this worker.
  process.env.DOCKET_NEXT_DIR = inject("designerDistDir");
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
      // A cleanup that hangs would surface only as a hook timeout: name it while it hangs.
      const slow = setTimeout(
        () => console.error(`[designer server] still stopping after 20 s: ${cleanup?.name}`),
        20_000,
      );
      await cleanup()
        .catch(() => {})
        .finally(() => clearTimeout(slow));
    }
  };
  const named = (name: string, cleanup: () => Promise<void>) =>
    Object.defineProperty(cleanup, "name", { value: name });
  try {
    const database = await createTestDatabase();
    cleanups.push(named("drop the test database", () => database.drop()));
    // As testEngine does: the fixture jobs (test/fixtures/jobs) write to the test database through it.
    process.env.DOCKET_FIXTURE_DATABASE_URL = database.url;
    const engine = await createEngine({
      connectionString: database.url,
      jobsDir: options.jobsDir ?? repoJobsDir,
    });
    cleanups.push(named("engine.stop", () => engine.stop()));

    const users = options.users ?? defaultTestUsers;
    await createUsers(engine, users);
    if (options.demo) {
      await engine.catalog.seed({ records: options.demo.records });
      await engine.sets.seedExamples("ada");
      if (options.demo.schedules) await engine.schedules.seedExamples("ada");
    }
    if (options.worker ?? true) {
      const worker: WorkerHandle = await engine.startWorker({ pollingIntervalSeconds: 1 });
      cleanups.push(named("worker.stop", () => worker.stop()));
    }

    const port = await freePort();
    const host = "127.0.0.1";
    const designer = await loadDesigner(host, port);
    cleanups.push(named("close the designer (Next)", () => designer.close()));
    const server: DocketServer = await listen({
      port,
      host,
      api: createApiRequestHandler(engine),
      web: (req, res) => void designer.handle(req, res),
    });
    cleanups.push(named("close the HTTP server", () => server.close()));
    const url = `http://${host}:${port}`;
    return { url, engine, database, users, stop, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

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

/**
 * Loads the build test/support/buildDesigner.ts made, as `docket start` does
 * but without its rebuild-when-stale step: the session tests the build it
 * made, even while someone edits app/ meanwhile.
 */
async function loadDesigner(hostname: string, port: number) {
  const buildId = path.join(nextBuildDir(repoRoot), "BUILD_ID");
  if (!existsSync(buildId)) {
    throw new Error(
      `No designer build at ${path.dirname(buildId)}: browser tests run through vitest, whose globalSetup (test/support/buildDesigner.ts) builds it.`,
    );
  }
  // `next` is CommonJS: at runtime `default` is its module.exports, the server factory.
  const { default: createNext } = (await import("next")) as unknown as {
    default: CreateNextServer;
  };
  const next = createNext({ dev: false, dir: repoRoot, hostname, port });
  await next.prepare();
  return { handle: next.getRequestHandler(), close: () => next.close() };
}

/** Creates the users with their passwords, as an admin would. */
async function createUsers(engine: Engine, users: readonly TestUser[]): Promise<void> {
  for (const user of users) {
    await engine.users.create({
      name: user.name,
      role: user.role,
      password: user.password,
      ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
    });
  }
}
