/**
 * Whether this process can do its work (`GET /readyz`): the database answers,
 * its schema has every migration this code knows, and each worker this process
 * started is heartbeating. One query; a cause in words for each check that fails.
 */
import { readdir } from "node:fs/promises";
import { type Kysely, sql } from "kysely";
import { migrationsDir } from "../database/migrate.ts";
import type { Database } from "../database/schema.ts";
import { lostAfterSeconds } from "../workers/workerService.ts";

export interface Readiness {
  readonly ready: boolean;
  /** One sentence per failing check; empty when ready. */
  readonly problems: readonly string[];
}

/** Longest wait for the database before it counts as unreachable. */
const databaseTimeoutMs = 3_000;

let knownMigrations: Promise<string[]> | null = null;
/** The migrations this code ships (`db/migrations/`), read once. */
function migrationsOfThisCode(): Promise<string[]> {
  knownMigrations ??= readdir(migrationsDir).then((files) =>
    files.filter((f) => /^\d{4}_\d{2}_\d{2}_\d{6}_.+\.ts$/.test(f)).map((f) => f.slice(0, -3)),
  );
  return knownMigrations;
}

export async function checkReadiness(
  db: Kysely<Database>,
  workerIds: readonly string[],
): Promise<Readiness> {
  const expected = await migrationsOfThisCode();
  let row: {
    applied: string[] | null;
    workers: { id: string; stopped: boolean; silent_seconds: number }[] | null;
  };
  try {
    const query = sql<typeof row>`
      select
        (select array_agg(name) from kysely_migration) as applied,
        (select json_agg(json_build_object(
            'id', id, 'stopped', stopped_at is not null,
            'silent_seconds', extract(epoch from now() - last_seen_at)::float8))
          from workers where id = any(${[...workerIds]}::text[])) as workers`.execute(db);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no answer within ${databaseTimeoutMs / 1000} s`)),
        databaseTimeoutMs,
      ).unref(),
    );
    row = (await Promise.race([query, timeout])).rows[0]!;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ready: false, problems: [`The database is unreachable: ${why}.`] };
  }
  const problems: string[] = [];
  const applied = new Set(row.applied ?? []);
  const missing = expected.filter((name) => !applied.has(name));
  if (missing.length) {
    problems.push(
      `The database lacks ${missing.length} migration${missing.length === 1 ? "" : "s"} (${missing.join(", ")}): run \`docket migrate\`.`,
    );
  }
  for (const id of workerIds) {
    const worker = row.workers?.find((w) => w.id === id);
    if (!worker) problems.push(`Worker ${id} is not registered in the database yet.`);
    else if (worker.stopped) problems.push(`Worker ${id} has stopped.`);
    else if (worker.silent_seconds > lostAfterSeconds) {
      problems.push(`Worker ${id} has not heartbeaten for ${Math.round(worker.silent_seconds)} s.`);
    }
  }
  return { ready: problems.length === 0, problems };
}
