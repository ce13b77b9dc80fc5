import { NonRetriableError } from "@docket/sdk";

/**
 * A record step met an outcome this run had already recorded for the same
 * record: a second record step of one run, which loading a job refuses. Says
 * so instead of the raw `run_records_pk` violation; retrying cannot help.
 * Any other error is returned as it is.
 */
export function explainDuplicateOutcome(error: unknown): unknown {
  const pg = error as { code?: unknown; constraint?: unknown; detail?: unknown } | null;
  if (pg?.code !== "23505" || pg.constraint !== "run_records_pk") return error;
  const member = /\(run_id, member_id\)=\([^,]+, (-?\d+)\)/.exec(String(pg.detail))?.[1];
  // An import keys a rejected row's outcome by its negated line.
  const what =
    member === undefined
      ? "A record"
      : member.startsWith("-")
        ? `The CSV row on line ${member.slice(1)}`
        : `Record ${member}`;
  return new NonRetriableError(
    `${what} already has an outcome in this run: a run records one outcome per record, in one record step (processRecords or importRecords), and a second one ran. ` +
      "Keep one record step per job, or make two jobs and chain them in a workflow.",
    { cause: error },
  );
}
