import { createEngine, type Engine } from "@docket/engine";
import { readConfig } from "./config.ts";
import { type SelectedDatabase, selectDatabase } from "./database.ts";
import { migrate } from "./migrate.ts";
import { printNote } from "./output.ts";

/** An engine on the selected database; `stop()` closes both. */
export interface EngineSession {
  readonly engine: Engine;
  readonly database: SelectedDatabase;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface OpenEngineOptions {
  /** `--database-url`; default `DATABASE_URL` or the embedded server. */
  readonly databaseUrl: string | undefined;
  /** Connections in the engine's pool. Default 10. */
  readonly poolSize?: number;
  /** An already selected database (when the command migrated it first). */
  readonly database?: SelectedDatabase;
}

/** Creates the engine as the environment configures it (config.ts). Starts no worker. */
export async function openEngine(options: OpenEngineOptions): Promise<EngineSession> {
  const config = readConfig(); // a malformed variable is refused before any connection
  const database = options.database ?? (await selectDatabase(options.databaseUrl));
  let engine: Engine;
  try {
    // The embedded database is Docket's own: keep it migrated rather than ask the user to.
    if (database.embedded && !options.database) {
      const applied = await migrate(database.connectionString);
      if (applied.length) printNote(`Migrated the database: ${applied.join(", ")}`);
    }
    engine = await createEngine({
      connectionString: database.connectionString,
      ...config.engine,
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    });
  } catch (error) {
    await database.stop().catch(() => {});
    throw error;
  }
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await engine.stop();
      await database.stop();
    })();
    return stopped;
  };
  return { engine, database, stop, [Symbol.asyncDispose]: stop };
}
