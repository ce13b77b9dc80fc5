import {
  type AnyRecordImporter,
  type ImportSummary,
  messageOf,
  type NewBibRecord,
} from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";

/**
 * Imports rows as new records in ONE transaction: created records, a report
 * entry per rejected row, the run's population, and a journal entry that makes
 * a re-run of the same step (after a crash) return the first result instead
 * of importing twice.
 */
export async function importRows(
  db: Kysely<Database>,
  input: { runId: string; invokeKey: string; importer: AnyRecordImporter; input: unknown },
): Promise<ImportSummary> {
  const journalKey = `${input.invokeKey}:import`;
  const rows = input.importer.rows(input.input);
  const good: (NewBibRecord & { rowNumber: number })[] = [];
  const rejected: { rowNumber: number; reason: string }[] = [];
  rows.forEach((row, index) => {
    const rowNumber = index + 1;
    try {
      good.push({ ...input.importer.toRecord(row, rowNumber), rowNumber });
    } catch (error) {
      rejected.push({ rowNumber, reason: `Row ${rowNumber}: ${messageOf(error)}` });
    }
  });
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`${input.runId}:${journalKey}`}))`.execute(
      trx,
    );
    const done = await trx
      .selectFrom("run_journal")
      .select("value")
      .where("run_id", "=", input.runId)
      .where("key", "=", journalKey)
      .executeTakeFirst();
    if (done) return done.value as ImportSummary;

    const { rows: created } = await sql<{ id: string }>`
      insert into bib_records (id, title, author, year, subjects, fields)
      select nextval('bib_record_import_ids'), r.title, r.author, r.year,
             coalesce(array(select jsonb_array_elements_text(r.subjects)), '{}'), coalesce(r.fields, '[]')
      from jsonb_to_recordset(${JSON.stringify(good)}::jsonb)
        as r(title text, author text, year int, subjects jsonb, fields jsonb, "rowNumber" int)
      order by r."rowNumber"
      returning id::text as id`.execute(trx);
    const outcomes = [
      ...created.map((row) => ({ member_id: row.id, outcome: "created", reason: null })),
      ...rejected.map((row) => ({
        member_id: String(-row.rowNumber),
        outcome: "failed",
        reason: row.reason,
      })),
    ];
    await sql`
      insert into run_records (run_id, member_id, outcome, reason)
      select ${input.runId}::uuid, o.member_id, o.outcome, o.reason
      from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) as o(member_id bigint, outcome text, reason text)`.execute(
      trx,
    );
    const summary: ImportSummary = {
      rows: rows.length,
      created: created.length,
      failed: rejected.length,
    };
    await trx
      .updateTable("runs")
      .set({ population: rows.length, target: input.importer.target })
      .where("id", "=", input.runId)
      .execute();
    await trx
      .insertInto("run_journal")
      .values({ run_id: input.runId, key: journalKey, value: JSON.stringify(summary) })
      .execute();
    return summary;
  });
}
