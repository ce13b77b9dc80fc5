import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { designerBuildEstimate } from "../packages/cli/src/web/designer.ts";
import { Docket, output, repoRoot } from "./support/docketCli.ts";
import { freePort } from "./support/freePort.ts";
import { pollUntil } from "./support/poll.ts";

/** The embedded PostgreSQL's default port (packages/cli/src/embeddedPort.ts). */
const defaultPort = 54329;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** An empty data directory, removed after the test. */
async function emptyDataDir(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "docket-setup-"));
  await chmod(dataDir, 0o755); // the embedded server runs as the `postgres` OS user when we are root
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return dataDir;
}

/** Environment of `npm start` with nothing configured but where its data lives. */
function envFor(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const {
    DATABASE_URL: _database,
    DOCKET_PG_PORT: _pgPort,
    DOCKET_URL: _url,
    DOCKET_TOKEN: _token,
    ...inherited
  } = process.env;
  return { ...inherited, DOCKET_DATA_DIR: dataDir, ...extra };
}

/**
 * Holds 127.0.0.1:`port` with a plain TCP server, as another program would.
 * When something holds it already the port is just as taken; nothing to close then.
 */
async function occupy(port: number): Promise<() => Promise<void>> {
  const server: Server = createServer((socket) => socket.destroy());
  const listening = await new Promise<boolean>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" ? resolve(false) : reject(error),
    );
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(true));
  });
  const release = async () => {
    if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(release);
  return release;
}

/** The "Database: embedded PostgreSQL … on port N (…)" line a command printed. */
function databaseLine(stderr: string): { port: number; how: string } {
  const match = /^Database: embedded PostgreSQL in .+ on port (\d+) \((.+)\)$/m.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return { port: Number(match?.[1]), how: match?.[2] ?? "" };
}

/** The data directory of the PostgreSQL answering on `port`: proof of whose server it is. */
async function dataDirectoryOn(port: number): Promise<string> {
  const client = new pg.Client({
    connectionString: `postgres://postgres:docket@127.0.0.1:${port}/docket`,
  });
  await client.connect();
  try {
    return (await client.query<{ data_directory: string }>("show data_directory")).rows[0]!
      .data_directory;
  } finally {
    await client.end();
  }
}

async function startDocket(env: NodeJS.ProcessEnv, web = false): Promise<Docket> {
  const docket = new Docket(["start", ...(web ? [] : ["--no-web"]), "--no-seed"], env);
  cleanups.push(() => docket[Symbol.asyncDispose]());
  await docket.waitFor(/^Docket is running at /m);
  return docket;
}

async function stopDocket(docket: Docket): Promise<void> {
  docket.kill("SIGINT");
  const result = await docket.result();
  expect(result.code, output(result)).toBe(0);
}

describe("the embedded PostgreSQL's port", () => {
  it("is a free one when the default is taken: `docket start` says which, remembers it, and starts on it again", async () => {
    const dataDir = await emptyDataDir();
    const portFile = path.join(dataDir, "postgres.port");
    const releaseDefault = await occupy(defaultPort);
    const env = envFor(dataDir, { PORT: String(await freePort()) });

    const first = await startDocket(env);
    const chosen = databaseLine(first.stderr);
    expect(chosen.port).not.toBe(defaultPort);
    expect(chosen.how).toContain(`the default port ${defaultPort} is in use by another program`);
    expect(chosen.how).toContain(`picked ${chosen.port} and remembers it in ${portFile}`);
    expect(await readFile(portFile, "utf8")).toBe(`${chosen.port}\n`);
    // The server on that port is this data directory's.
    expect(await dataDirectoryOn(chosen.port)).toBe(path.join(dataDir, "postgres"));

    // Another command meanwhile finds the running server on its port.
    const migrate = await new Docket(["migrate"], envFor(dataDir)).result();
    expect(migrate.code, output(migrate)).toBe(0);
    expect(databaseLine(migrate.stderr)).toEqual({
      port: chosen.port,
      how: "already running, reused",
    });
    await stopDocket(first);

    // With the default free again, the remembered port still wins.
    await releaseDefault();
    const second = await startDocket(env);
    expect(databaseLine(second.stderr)).toEqual({
      port: chosen.port,
      how: `started: the port remembered in ${portFile}`,
    });
    expect(await dataDirectoryOn(chosen.port)).toBe(path.join(dataDir, "postgres"));
    await stopDocket(second);
  }, 150_000);

  it("moves to a free port when the remembered one is taken by another program", async () => {
    const dataDir = await emptyDataDir();
    const portFile = path.join(dataDir, "postgres.port");
    const taken = await freePort();
    await occupy(taken);
    await writeFile(portFile, `${taken}\n`);

    const migrate = await new Docket(["migrate"], envFor(dataDir)).result();
    expect(migrate.code, output(migrate)).toBe(0);
    const line = databaseLine(migrate.stderr);
    expect(line.port).not.toBe(taken);
    expect(line.how).toContain(
      `port ${taken}, remembered in ${portFile}, is in use by another program now; picked ${line.port}`,
    );
    expect(await readFile(portFile, "utf8")).toBe(`${line.port}\n`);
  }, 90_000);

  it("refuses a port file that holds no port, and a DOCKET_PG_PORT that is taken, before creating anything", async () => {
    const dataDir = await emptyDataDir();
    const portFile = path.join(dataDir, "postgres.port");
    await writeFile(portFile, "fifty-four\n");
    const garbled = await new Docket(["migrate"], envFor(dataDir)).result();
    expect(garbled.code, output(garbled)).toBe(2);
    expect(garbled.stderr).toContain(
      `Error: ${portFile} should hold the port of the embedded PostgreSQL, but holds "fifty-four". Delete the file and Docket picks a port again.`,
    );
    expect(garbled.stderr).not.toMatch(/Creating the embedded PostgreSQL/);

    await rm(portFile);
    const taken = await freePort();
    await occupy(taken);
    const clash = await new Docket(
      ["migrate"],
      envFor(dataDir, { DOCKET_PG_PORT: String(taken) }),
    ).result();
    expect(clash.code, output(clash)).toBe(2);
    expect(clash.stderr).toContain(`Error: DOCKET_PG_PORT=${taken} is in use by another program.`);
    // Nothing was created: no cluster, no remembered port.
    await expect(readFile(path.join(dataDir, "postgres", "PG_VERSION"))).rejects.toThrow();
    await expect(readFile(portFile)).rejects.toThrow();
  }, 60_000);
});

describe("docket start's designer", () => {
  it("while it is built, its page says so: for how long so far, at which step, and how long a build takes", async () => {
    const dataDir = await emptyDataDir();
    // A build directory of its own, so the designer is surely built here (and nobody else's build is touched).
    const distDir = `.next-setup-${process.pid}`;
    cleanups.push(() => rm(path.join(repoRoot, distDir), { recursive: true, force: true }));
    const port = await freePort();
    const env = envFor(dataDir, {
      PORT: String(port),
      DOCKET_PG_PORT: String(await freePort()),
      DOCKET_NEXT_DIR: distDir,
    });
    const docket = await startDocket(env, true);
    expect(docket.stderr).toContain(
      `Building the designer (next build) in the background, ${designerBuildEstimate};`,
    );

    const page = await pollUntil(
      "the designer's page to name the build's step",
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        const html = await response.text();
        return /now: [A-Z]/.test(html) ? { response, html } : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(page.response.status).toBe(503);
    expect(page.response.headers.get("retry-after")).toBe("5");
    expect(page.html).toContain('<meta http-equiv="refresh" content="5">');
    expect(page.html).toContain(
      `The Docket designer is being built (next build), which takes ${designerBuildEstimate}.`,
    );
    expect(page.html).toMatch(
      /It started \d+ s ago; now: (Creating|Compiled|Running|Finished|Collecting|Generating|Finalizing) /,
    );
    // The API it points to answers meanwhile.
    const health = await fetch(`http://127.0.0.1:${port}/api/trpc/health`);
    expect(health.status).toBe(200);
    // Stopping Docket stops the build too.
    await stopDocket(docket);
  }, 120_000);
});

describe("docket start --help", () => {
  it("tells the truth about authentication and the embedded database's port", async () => {
    const help = await new Docket(["start", "--help"], envFor(tmpdir())).result();
    expect(help.code).toBe(0);
    expect(help.stdout).not.toMatch(/no authentication/);
    expect(help.stdout).toMatch(/TLS proxy/);
    expect(help.stdout).toMatch(/remembered in\s+\.docket\/postgres\.port/);
  });
});
