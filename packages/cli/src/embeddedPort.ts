import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { UsageError } from "./errors.ts";

/** Where the embedded PostgreSQL listens when nothing else decides: 127.0.0.1:54329. */
export const defaultEmbeddedPort = 54329;

/** Ports tried after the default before asking the OS for any free one. */
const nearbyPorts = 20;

/** A port for the embedded PostgreSQL and, for the "Database: …" line, why that one. */
export interface EmbeddedPortChoice {
  readonly port: number;
  /** E.g. "the port remembered in .docket/postgres.port". */
  readonly reason: string;
}

/**
 * The file in the data directory (`.docket/postgres.port`) that remembers the
 * port its embedded PostgreSQL last started on, so the next start uses it again.
 */
export function rememberedPortFile(dataRoot: string): string {
  return path.join(dataRoot, "postgres.port");
}

/**
 * Chooses the port for starting the embedded PostgreSQL of `dataRoot`:
 * `DOCKET_PG_PORT` if set (it must be free), else the remembered port, else
 * 54329; when that one is held by another program (a second Docket, another
 * PostgreSQL), a free port near it. Call it only when no server runs on the
 * cluster yet: a running one holds its own port.
 */
export async function chooseEmbeddedPort(dataRoot: string): Promise<EmbeddedPortChoice> {
  const fromEnv = portFromEnv();
  if (fromEnv !== null) {
    if (!(await isPortFree(fromEnv))) {
      throw new UsageError(
        `DOCKET_PG_PORT=${fromEnv} is in use by another program. Set DOCKET_PG_PORT to a free port, or unset it and Docket picks one.`,
      );
    }
    return { port: fromEnv, reason: "the port DOCKET_PG_PORT names" };
  }
  const file = rememberedPortFile(dataRoot);
  const remembered = await readRememberedPort(file);
  const preferred = remembered ?? defaultEmbeddedPort;
  if (await isPortFree(preferred)) {
    return {
      port: preferred,
      reason: remembered === null ? "the default port" : `the port remembered in ${file}`,
    };
  }
  const port = await findFreePort(preferred);
  const taken =
    remembered === null
      ? `the default port ${preferred} is in use by another program, perhaps another Docket`
      : `port ${preferred}, remembered in ${file}, is in use by another program now`;
  return {
    port,
    reason: `${taken}; picked ${port} and remembers it in ${file} for the next start`,
  };
}

/** Records the port the server of `dataRoot` listens on, for the next start. */
export async function rememberEmbeddedPort(dataRoot: string, port: number): Promise<void> {
  const file = rememberedPortFile(dataRoot);
  if ((await readRememberedPort(file)) === port) return;
  await writeFile(file, `${port}\n`);
}

function portFromEnv(): number | null {
  const value = process.env.DOCKET_PG_PORT;
  if (value === undefined || value === "") return null;
  return parsePort(value, `DOCKET_PG_PORT must be a port number (1-65535), got "${value}".`);
}

async function readRememberedPort(file: string): Promise<number | null> {
  if (!existsSync(file)) return null;
  const text = (await readFile(file, "utf8")).trim();
  return parsePort(
    text,
    `${file} should hold the port of the embedded PostgreSQL, but holds "${text.slice(0, 40)}". Delete the file and Docket picks a port again.`,
  );
}

function parsePort(text: string, message: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new UsageError(message);
  return port;
}

/** The first free port after `port` (a few tried), else any the OS hands out. */
async function findFreePort(port: number): Promise<number> {
  for (let candidate = port + 1; candidate <= Math.min(port + nearbyPorts, 65535); candidate++) {
    if (await isPortFree(candidate)) return candidate;
  }
  return await listenBriefly(0);
}

/** Whether 127.0.0.1:`port` (where the embedded server listens) can be bound right now. */
async function isPortFree(port: number): Promise<boolean> {
  return listenBriefly(port).then(
    () => true,
    () => false,
  );
}

/** Binds 127.0.0.1:`port`, lets go, and resolves with the port bound. */
function listenBriefly(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}
