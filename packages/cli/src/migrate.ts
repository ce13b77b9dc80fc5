import { connectDatabase, migrateToLatest } from "@docket/engine";

/** Applies pending migrations; returns their names. */
export async function migrate(connectionString: string): Promise<readonly string[]> {
  const handle = connectDatabase(connectionString, { max: 2 });
  try {
    return (await migrateToLatest(handle.db, connectionString)).applied;
  } finally {
    await handle.stop();
  }
}
