import { z } from "zod";
import { paramHints } from "./vocabulary.ts";

/**
 * The columns a CSV must and may have. Header names are matched without regard
 * to case or surrounding spaces; a column not listed here refuses the file
 * (nothing in a file is ignored without a word).
 */
export interface CsvColumns {
  readonly required: readonly string[];
  readonly optional?: readonly string[];
}

/** Where a CSV comes from: text pasted into a parameter, or an uploaded file by id. */
export type CsvSource = { readonly text: string } | { readonly upload: string };

/** Default limit of {@link csvTextParam}: runs' params are capped at 256 KB in all. */
const defaultCsvTextLength = 200_000;

/**
 * A parameter holding CSV pasted as text: a multi-line box in the designer. The
 * engine refuses a run whose CSV cannot be read whole (an unclosed quote, a
 * missing or unknown column, a header without rows), naming the line. For big
 * files use {@link csvFileParam}.
 *
 * @example
 * const Params = z.object({ csv: csvTextParam({ columns: { required: ["title"] }, description: "CSV" }) });
 */
export function csvTextParam(options: {
  readonly columns: CsvColumns;
  readonly description: string;
  /** The form's label. Default "CSV text". */
  readonly title?: string;
  /** Longest text accepted, in characters. Default 200,000. */
  readonly maxLength?: number;
}) {
  return z
    .string()
    .min(1, "Paste the CSV text")
    .max(options.maxLength ?? defaultCsvTextLength)
    .meta({
      title: options.title ?? "CSV text",
      description: options.description,
      [paramHints.multiline]: true,
      [paramHints.csv]: options.columns,
    });
}

/**
 * A parameter naming an uploaded CSV file (`POST /api/uploads`; the designer's
 * file picker and `docket run <job> --file data.csv` upload it). Any size up to
 * the server's upload limit; checked like {@link csvTextParam} when a run starts.
 */
export function csvFileParam(options: {
  readonly columns: CsvColumns;
  readonly description: string;
  /** The form's label. Default "CSV file". */
  readonly title?: string;
}) {
  return z
    .string()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      "Upload the file first",
    )
    .meta({
      title: options.title ?? "CSV file",
      description: options.description,
      [paramHints.upload]: { accept: ".csv,text/csv" },
      [paramHints.csv]: options.columns,
    });
}
