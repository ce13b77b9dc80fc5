import {
  type AnyRecordImporter,
  type ImportSummary,
  messageOf,
  type NewBibRecord,
  NonRetriableError,
} from "@docket/sdk";
import { type Kysely, sql, type Transaction } from "kysely";
import { CsvFileError, readCsvRows } from "../csvInput/readCsvRows.ts";
import { readCsvSource } from "../csvInput/readCsvSource.ts";
import type { Database } from "../database/schema.ts";
import { explainDuplicateOutcome } from "./duplicateOutcome.ts";

/** Rows written per statement: bounds memory whatever the file's size. */
const batchRows = 2_000;

type GoodRow = NewBibRecord & { readonly line: number };
type RejectedRow = { readonly line: number; readonly reason: string };

/**
 * Imports the rows of a CSV as new records in ONE transaction: created records,
 * a report entry per rejected row (with its line), the run's population, and a
 * journal entry that makes a re-run of the same step (after a crash) return the
 * first result instead of importing twice. The CSV is streamed and written in
 * batches, so a 100,000-row upload is never held whole. A file that cannot be
 * read whole (the run's start checks this first) fails the step with nothing
 * changed. Records are created in the run's institution, and an uploaded
 * file is read only when it is that institution's.
 */
export async function importRows(
  db: Kysely<Database>,
  input: { runId: string; invokeKey: string; importer: AnyRecordImporter; input: unknown },
): Promise<ImportSummary> {
  const journalKey = `${input.invokeKey}:import`;
  const { importer } = input;
  const imported = db.transaction().execute(async (trx) => {
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

    let rows = 0;
    let created = 0;
    let failed = 0;
    let good: GoodRow[] = [];
    let rejected: RejectedRow[] = [];
    const flush = async () => {
      created += await insertRecords(trx, input.runId, good);
      failed += await insertRejections(trx, input.runId, rejected);
      good = [];
      rejected = [];
    };
    try {
      // Only an upload of the run's institution: another's is unknown, as one that was deleted.
      const run = await trx
        .selectFrom("runs")
        .select("institution")
        .where("id", "=", input.runId)
        .executeTakeFirstOrThrow();
      // Through the transaction's own connection: waiting on a second one from the pool
      // while holding this one could deadlock a busy worker.
      const source = readCsvSource(trx, importer.csv(input.input), run.institution);
      for await (const parsed of readCsvRows(source, importer.columns)) {
        rows++;
        if ("error" in parsed) rejected.push({ line: parsed.line, reason: parsed.error });
        else {
          try {
            good.push({ ...importer.toRecord(parsed.row, parsed.line), line: parsed.line });
          } catch (error) {
            rejected.push({
              line: parsed.line,
              reason: `Line ${parsed.line}: ${messageOf(error)}`,
            });
          }
        }
        if (good.length + rejected.length >= batchRows) await flush();
      }
    } catch (error) {
      // Retrying cannot make an unreadable file readable; the transaction leaves nothing behind.
      if (error instanceof CsvFileError || (error as { code?: string }).code === "NOT_FOUND") {
        throw new NonRetriableError(`The CSV cannot be imported: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    }
    await flush();
    const summary: ImportSummary = { rows, created, failed };
    await trx
      .updateTable("runs")
      .set({ population: rows, target: importer.target })
      .where("id", "=", input.runId)
      .execute();
    await trx
      .insertInto("run_journal")
      .values({ run_id: input.runId, key: journalKey, value: JSON.stringify(summary) })
      .execute();
    return summary;
  });
  return imported.catch((error: unknown) => {
    throw explainDuplicateOutcome(error);
  });
}

async function insertRecords(
  trx: Transaction<Database>,
  runId: string,
  good: readonly GoodRow[],
): Promise<number> {
  if (good.length === 0) return 0;
  const { rows: created } = await sql<{ id: string }>`
    with created as (
      insert into bib_records (id, institution, title, author, year, subjects, fields)
      select nextval('bib_record_import_ids'),
             -- Imported records belong to the importing run's institution.
             (select institution from runs where id = ${runId}::uuid), r.title, r.author, r.year,
             coalesce(array(select jsonb_array_elements_text(r.subjects)), '{}'), coalesce(r.fields, '[]')
      from jsonb_to_recordset(${JSON.stringify(good)}::jsonb)
        as r(title text, author text, year int, subjects jsonb, fields jsonb, line int)
      order by r.line
      returning id)
    insert into run_records (run_id, member_id, outcome, reason)
    select ${runId}::uuid, id, 'created', null from created
    returning member_id::text as id`.execute(trx);
  return created.length;
}

async function insertRejections(
  trx: Transaction<Database>,
  runId: string,
  rejected: readonly RejectedRow[],
): Promise<number> {
  if (rejected.length === 0) return 0;
  // A rejected row has no record: its negated line number keys its outcome.
  await sql`
    insert into run_records (run_id, member_id, outcome, reason)
    select ${runId}::uuid, -o.line, 'failed', o.reason
    from jsonb_to_recordset(${JSON.stringify(rejected)}::jsonb) as o(line bigint, reason text)`.execute(
    trx,
  );
  return rejected.length;
}
