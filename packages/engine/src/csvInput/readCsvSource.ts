import type { CsvSource } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { readUpload } from "../uploads/readUpload.ts";

/**
 * The bytes of a CSV source: pasted text as it is, an upload streamed from
 * PostgreSQL. Given `institution`, only that institution's uploads are read:
 * another's is an unknown upload.
 */
export function readCsvSource(
  db: Kysely<Database>,
  source: CsvSource,
  institution?: string,
): AsyncIterable<Buffer | string> | Iterable<string> {
  return "upload" in source ? readUpload(db, source.upload, institution) : [source.text];
}
