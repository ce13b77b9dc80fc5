import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { csvLine, csvLines, type Engine, logger, type RunHistoryRow } from "@docket/engine";
import type { Caller } from "./context.ts";
import { describeZodError } from "./errors.ts";
import { isNetworkCaller } from "./institutionAccess.ts";
import { parseSearchParams, toRunFilters } from "./runHistoryFilters.ts";

/** Columns of the export: AtoM's job export, then Docket's own. */
export const historyCsvColumns = [
  "startDate",
  "endDate",
  "jobName",
  "jobStatus",
  "jobInfo",
  "jobUser",
  "runId",
  "jobId",
  "set",
  "recordsTotal",
  "recordsChanged",
  "recordsFailed",
] as const;

/**
 * The network role's export adds the institution each run belongs to (its
 * code), as its monitor shows it; a member's export holds only its own runs.
 */
export const networkHistoryCsvColumns = [...historyCsvColumns, "institution"] as const;

/** Runs read per query: large enough to keep round trips few, small enough to keep memory flat. */
const batchSize = 2000;

/**
 * Serves `GET /api/runs/history.csv?<filters>`: the runs `runs.list` shows
 * `caller` with the same filters (all pages), newest first, as CSV (RFC 4180,
 * UTF-8 with a byte order mark so spreadsheets read accents; times in UTC as
 * `YYYY-MM-DD HH:MM:SS`, which spreadsheets read as dates). The network role's
 * has an `institution` column more ({@link networkHistoryCsvColumns}).
 * Runs are read in keyset batches and written with backpressure, so memory
 * stays flat for any number of runs. Invalid filters answer 400 before any row.
 */
export async function streamHistoryCsv(
  engine: Engine,
  caller: Caller,
  searchParams: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const parsed = parseSearchParams(searchParams);
  if (!parsed.success) {
    res.writeHead(400, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ error: describeZodError(parsed.error) }));
    return;
  }
  const batches = engine.runs.readHistory(toRunFilters(caller, parsed.data), batchSize);
  try {
    // The first batch is read before the headers, so a failing query still gets a status code.
    const first = await batches.next();
    const stamp = new Date().toISOString().slice(0, 10);
    res.writeHead(200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="run-history-${stamp}.csv"`,
      "cache-control": "no-store",
    });
    // pipeline: backpressure, and a client that goes away destroys the source, which stops reading.
    const withInstitution = isNetworkCaller(caller);
    await pipeline(Readable.from(historyCsvText(first, batches, withInstitution)), res);
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error as Error); // a client that left, or a batch that failed mid-way
      return;
    }
    logger.error({ err: error }, "Sending the run history as CSV failed");
    res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ error: "Internal error" }));
  } finally {
    await batches.return(undefined).catch(() => {}); // also when the source never started
  }
}

/** The export's text: byte order mark and header, then one chunk of lines per batch. */
async function* historyCsvText(
  first: IteratorResult<RunHistoryRow[]>,
  rest: AsyncGenerator<RunHistoryRow[]>,
  withInstitution: boolean,
): AsyncGenerator<string> {
  const fields = withInstitution
    ? (run: RunHistoryRow) => [...historyCsvFields(run), run.institution]
    : historyCsvFields;
  yield `\uFEFF${csvLine(withInstitution ? networkHistoryCsvColumns : historyCsvColumns)}`;
  if (first.done) return;
  yield csvLines(first.value.map(fields));
  for await (const batch of rest) yield csvLines(batch.map(fields));
}

/** The export's fields of one run, in {@link historyCsvColumns} order. */
export function historyCsvFields(run: RunHistoryRow): (string | number | null)[] {
  return [
    spreadsheetTime(run.startedAt),
    spreadsheetTime(run.endedAt),
    run.jobTitle,
    run.status,
    [run.description, run.error?.message].filter(Boolean).join(" — "),
    run.createdBy,
    run.id,
    run.jobId,
    run.setName ?? run.setId,
    run.report?.total ?? null,
    run.report?.changed ?? null,
    run.report?.failed ?? null,
  ];
}

/**
 * `2026-05-31 23:59:59`, in UTC: the form Excel and LibreOffice read as a date and
 * time (sortable, filterable). ISO 8601 with `T` and `Z` stays text in both.
 */
function spreadsheetTime(at: Date | null): string | null {
  return at ? at.toISOString().slice(0, 19).replace("T", " ") : null;
}
