import { InvalidParamsError, type ParamsSchema } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { csvParamsOf } from "./csvParamsOf.ts";
import { CsvFileError, readCsvRows } from "./readCsvRows.ts";
import { readCsvSource } from "./readCsvSource.ts";

/** What a CSV parameter holds, as checked before a run starts. */
export interface CsvParamSummary {
  readonly param: string;
  /** The uploaded file's name; null for pasted text. */
  readonly fileName: string | null;
  /** Data rows (the header not counted). */
  readonly rows: number;
  /** Rows that cannot be imported as they are (wrong number of cells); the run reports them. */
  readonly badRows: number;
}

/**
 * Reads every CSV parameter of validated `params` through to its end, so a run
 * whose CSV cannot be read whole is refused before anything is stored: an
 * {@link InvalidParamsError} names the parameter and the line. Given
 * `institution` (the run's), an upload of another institution is refused as
 * an unknown upload.
 */
export async function checkCsvParams(
  db: Kysely<Database>,
  schema: ParamsSchema,
  params: unknown,
  institution?: string,
): Promise<CsvParamSummary[]> {
  const values = (params ?? {}) as Record<string, unknown>;
  const summaries: CsvParamSummary[] = [];
  for (const param of csvParamsOf(schema)) {
    const value = values[param.name];
    if (typeof value !== "string" || value === "") continue;
    const source = param.source === "upload" ? { upload: value } : { text: value };
    let rows = 0;
    let badRows = 0;
    try {
      for await (const row of readCsvRows(readCsvSource(db, source, institution), param.columns)) {
        rows++;
        if ("error" in row) badRows++;
      }
    } catch (error) {
      if (!(error instanceof CsvFileError) && (error as { code?: string }).code !== "NOT_FOUND") {
        throw error;
      }
      const path = `params.${param.name}`;
      throw new InvalidParamsError(
        `The CSV in "${param.name}" cannot be imported: ${(error as Error).message}`,
        [{ path, message: (error as Error).message }],
        { cause: error },
      );
    }
    const fileName =
      param.source === "upload"
        ? ((
            await db.selectFrom("uploads").select("name").where("id", "=", value).executeTakeFirst()
          )?.name ?? null)
        : null;
    summaries.push({ param: param.name, fileName, rows, badRows });
  }
  return summaries;
}
