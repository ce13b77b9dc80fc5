import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createEngine } from "@docket/engine";
import pg from "pg";
import { startApiServer } from "./apiServer.ts";
import type { TestDatabase } from "./testDatabase.ts";

/** The repository root, where the CLI runs. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const docketBin = fileURLToPath(new URL("../../packages/cli/bin/docket.js", import.meta.url));
/** A line that is exactly a run id. */
export const uuidLine = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/m;
/** How long one CLI invocation may take before the test fails instead of hanging. */
export const commandTimeoutMs = 60_000;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real `docket` in a child process, with its output collected as it arrives. */
export class Docket {
  readonly args: readonly string[];
  readonly exited: Promise<CliResult>;
  stdout = "";
  stderr = "";
  readonly #child: ChildProcess;
  readonly #listeners = new Set<() => void>();
  #result: CliResult | null = null;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.args = args;
    this.#child = spawn(process.execPath, [docketBin, ...args], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      this[stream] += chunk.toString();
      for (const listener of [...this.#listeners]) listener();
    };
    this.#child.stdout?.on("data", collect("stdout"));
    this.#child.stderr?.on("data", collect("stderr"));
    this.exited = new Promise((resolve) => {
      this.#child.once("close", (code, signal) => {
        this.#result = { code, signal, stdout: this.stdout, stderr: this.stderr };
        for (const listener of [...this.#listeners]) listener();
        resolve(this.#result);
      });
    });
  }

  /** Resolves with the first match of `pattern` in stdout (or stderr); fails on exit or timeout. */
  waitFor(pattern: RegExp, stream: "stdout" | "stderr" = "stdout", timeoutMs = commandTimeoutMs) {
    return new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = this[stream].match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (this.#result) {
          done();
          reject(
            new Error(
              `docket ${this.args.join(" ")} exited before printing ${pattern}\n${this.#describe()}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `docket ${this.args.join(" ")} did not print ${pattern} in ${timeoutMs} ms\n${this.#describe()}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** The exit, or a failure naming the command if it takes longer than `timeoutMs`. */
  async result(timeoutMs = commandTimeoutMs): Promise<CliResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `docket ${this.args.join(" ")} still running after ${timeoutMs} ms\n${this.#describe()}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  #describe(): string {
    return `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#result) this.#child.kill("SIGKILL");
    await this.exited;
  }
}

/** The fixture jobs (test/fixtures/jobs/) a CLI child loads with {@link fixtureCliEnv}. */
export const fixtureJobsDir = fileURLToPath(new URL("../fixtures/jobs/", import.meta.url));

/**
 * Environment of a CLI child on the test database with the fixture jobs, never
 * on a server the environment running the tests names (DOCKET_URL, DOCKET_TOKEN).
 */
export function fixtureCliEnv(
  database: TestDatabase,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: database.url,
    DOCKET_FIXTURE_DATABASE_URL: database.url,
    DOCKET_JOBS_DIR: fixtureJobsDir,
    DOCKET_URL: "",
    DOCKET_TOKEN: "",
    ...extra,
  };
}

/** A Docket server over HTTP on the test database, and a CLI child's environment for it. */
export interface RemoteCli {
  /** Pass as `--url`. */
  readonly origin: string;
  /** The token in DOCKET_TOKEN, and a database the CLI cannot reach: only the server works. */
  readonly env: NodeJS.ProcessEnv;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The API served over HTTP with the fixture jobs, used by the CLI with `token`, as on a user's laptop. */
export async function startRemoteCli(database: TestDatabase, token: string): Promise<RemoteCli> {
  const engine = await createEngine({ connectionString: database.url, jobsDir: fixtureJobsDir });
  const server = await startApiServer(engine).catch(async (error: unknown) => {
    await engine.stop();
    throw error;
  });
  return {
    origin: server.origin,
    env: fixtureCliEnv(database, {
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      DOCKET_TOKEN: token,
    }),
    [Symbol.asyncDispose]: async () => {
      await server[Symbol.asyncDispose]();
      await engine.stop();
    },
  };
}

export function docket(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return new Docket(args, env).result();
}

/** `docket worker`, resolved once it has said it takes work. */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<Docket> {
  const worker = new Docket(["worker", "--concurrency", "2"], env);
  await worker.waitFor(/^worker \S+ ready/m);
  return worker;
}

export function output(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

export async function queryRows<T>(
  database: TestDatabase,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
