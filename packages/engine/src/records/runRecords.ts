import { NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";

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

/** Names of the files a run produced. */
export async function listRunFiles(db: Kysely<Database>, runId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("run_file_chunks")
    .select("name")
    .distinct()
    .where("run_id", "=", runId)
    .orderBy("name")
    .execute();
  return rows.map((row) => row.name);
}

/** A run's file, its chunks in order (header first, then parts by key). */
export async function* readRunFile(
  db: Kysely<Database>,
  runId: string,
  name: string,
): AsyncGenerator<string> {
  let after: { part: number; seq: string } = { part: -2, seq: "-2" };
  let found = false;
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
    found = true;
    for (const row of rows) yield row.content;
    const last = rows.at(-1)!;
    after = { part: last.part, seq: last.seq };
  }
  if (!found) throw new NotFoundError(`Run ${runId} has no file "${name}".`);
}
