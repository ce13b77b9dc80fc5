import type { CsvSource } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { readUpload } from "../uploads/readUpload.ts";

/** The bytes of a CSV source: pasted text as it is, an upload streamed from PostgreSQL. */
export function readCsvSource(
  db: Kysely<Database>,
  source: CsvSource,
): AsyncIterable<Buffer | string> | Iterable<string> {
  return "upload" in source ? readUpload(db, source.upload) : [source.text];
}
