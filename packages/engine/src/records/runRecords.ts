import { ConflictError, NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import { type Database, isTerminal } from "../database/schema.ts";

export interface RunRecordPage {
  readonly records: readonly {
    readonly memberId: string;
    readonly outcome: string;
    readonly reason: string | null;
  }[];
  readonly nextCursor: string | null;
}

/** A run's per-record outcomes (e.g. every failed record with its reason), keyset-paginated. */
export async function listRunRecords(
  db: Kysely<Database>,
  input: { runId: string; outcomes?: readonly string[]; cursor?: string; limit?: number },
): Promise<RunRecordPage> {
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 1000);
  if (input.cursor !== undefined && !/^-?\d+$/.test(input.cursor))
    throw new NotFoundError(`Invalid cursor "${input.cursor}".`);
  let query = db
    .selectFrom("run_records")
    .select([sql<string>`member_id::text`.as("memberId"), "outcome", "reason"])
    .where("run_id", "=", input.runId);
  if (input.outcomes?.length) query = query.where("outcome", "in", input.outcomes as never);
  if (input.cursor !== undefined)
    query = query.where(sql<boolean>`member_id > ${input.cursor}::bigint`);
  const rows = await query
    .orderBy("member_id")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    records: page,
    nextCursor: rows.length > limit ? (page.at(-1)?.memberId ?? null) : null,
  };
}

/**
 * Names of the files a run's `processRecords` steps wrote (`output:`), complete
 * or not: what its end finalizes.
 */
export async function runFileNames(db: Kysely<Database>, runId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("run_file_chunks")
    .select("name")
    .distinct()
    .where("run_id", "=", runId)
    .orderBy("name")
    .execute();
  return rows.map((row) => row.name);
}

/**
 * Names of the files a run produced. A run that has not ended yet has none to
 * offer: its files grow until the run ended (see {@link assertFilesFinal}).
 */
export async function listRunFiles(db: Kysely<Database>, runId: string): Promise<string[]> {
  const names = await runFileNames(db, runId);
  if (names.length > 0) await assertFilesFinal(db, runId, names);
  return names;
}

/**
 * A run's files are final once the run ended: until the machine finished they
 * grow chunk by chunk, and while the run is `finalizing` its report and
 * notifications are still being written. Offering a file earlier would hand out
 * part of it as if it were the whole.
 */
async function assertFilesFinal(
  db: Kysely<Database>,
  runId: string,
  names: readonly string[],
): Promise<void> {
  const run = await db
    .selectFrom("runs")
    .select("status")
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!run) throw new NotFoundError(`Unknown run "${runId}".`);
  if (isTerminal(run.status)) return;
  const what = names.length === 1 ? `its file ${names[0]} is` : `its files ${names.join(", ")} are`;
  throw new ConflictError(
    `Run ${runId} is still ${run.status}: ${what} not complete yet. ` +
      "Download once the run has ended (its page lists the files then).",
  );
}

/** A run's file, its chunks in order (header first, then parts by key); only once the run ended. */
export async function* readRunFile(
  db: Kysely<Database>,
  runId: string,
  name: string,
): AsyncGenerator<string> {
  const exists = await db
    .selectFrom("run_file_chunks")
    .select("name")
    .where("run_id", "=", runId)
    .where("name", "=", name)
    .limit(1)
    .executeTakeFirst();
  if (!exists) throw new NotFoundError(`Run ${runId} has no file "${name}".`);
  await assertFilesFinal(db, runId, [name]);
  let after: { part: number; seq: string } = { part: -2, seq: "-2" };
  for (;;) {
    const rows = await db
      .selectFrom("run_file_chunks")
      .select(["part", sql<string>`seq::text`.as("seq"), "content"])
      .where("run_id", "=", runId)
      .where("name", "=", name)
      .where(sql<boolean>`(part, seq) > (${after.part}, ${after.seq}::bigint)`)
      // Qualified: a bare "seq" would name the text column selected above and sort
      // "10001" before "2001", which misordered and repeated the chunks of a file.
      .orderBy("run_file_chunks.part")
      .orderBy("run_file_chunks.seq")
      .limit(200)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) yield row.content;
    const last = rows.at(-1)!;
    after = { part: last.part, seq: last.seq };
  }
}
