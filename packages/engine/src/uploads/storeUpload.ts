import { InvalidParamsError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";

/** Default largest upload: `DOCKET_UPLOAD_MAX_BYTES` overrides it. */
export const defaultUploadMaxBytes = 100 * 1024 * 1024;

/** Bytes per stored chunk: big enough for few rows, small enough to never hold much. */
const chunkBytes = 256 * 1024;

/** An upload bigger than the limit; nothing of it was stored. */
export class UploadTooLargeError extends InvalidParamsError {
  constructor(maxBytes: number) {
    super(`The file is larger than the upload limit of ${formatBytes(maxBytes)}.`, [
      { path: "file", message: `Larger than ${formatBytes(maxBytes)}` },
    ]);
    this.name = "UploadTooLargeError";
  }
}

export interface StoreUploadInput {
  /** The file's name as the user chose it, e.g. `new-books.csv`. */
  readonly name: string;
  readonly createdBy: string;
  /** The institution it belongs to; default the default institution (the API always says whose). */
  readonly institution?: string | undefined;
  /** The bytes, e.g. an HTTP request body; read once, never held whole. */
  readonly content: AsyncIterable<Buffer | string>;
  /** Default {@link defaultUploadMaxBytes}. */
  readonly maxBytes?: number;
}

export interface Upload {
  readonly id: string;
  readonly name: string;
  readonly bytes: number;
  readonly createdBy: string;
  readonly createdAt: Date;
  /** The institution it belongs to: only its runs may read it. */
  readonly institution: string;
}

/**
 * Streams a file into PostgreSQL in 256 KB chunks inside ONE transaction: an
 * upload cut short (the client went away, the limit was passed) leaves nothing.
 */
export async function storeUpload(db: Kysely<Database>, input: StoreUploadInput): Promise<Upload> {
  const maxBytes = input.maxBytes ?? defaultUploadMaxBytes;
  const name = input.name.trim().slice(0, 255) || "upload";
  const institution = input.institution ?? defaultInstitutionCode;
  return db.transaction().execute(async (trx) => {
    const upload = await trx
      .insertInto("uploads")
      .values({
        name,
        bytes: 0,
        created_by: input.createdBy,
        institution,
      })
      .returning(["id", "created_at"])
      .executeTakeFirstOrThrow();
    let bytes = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      await trx
        .insertInto("upload_chunks")
        .values({ upload_id: upload.id, seq: seq++, content: Buffer.concat(pending) })
        .execute();
      pending = [];
      pendingBytes = 0;
    };
    for await (const piece of input.content) {
      const buffer = typeof piece === "string" ? Buffer.from(piece) : piece;
      bytes += buffer.length;
      if (bytes > maxBytes) throw new UploadTooLargeError(maxBytes);
      pending.push(buffer);
      pendingBytes += buffer.length;
      if (pendingBytes >= chunkBytes) await flush();
    }
    await flush();
    await trx.updateTable("uploads").set({ bytes }).where("id", "=", upload.id).execute();
    return {
      id: upload.id,
      name,
      bytes,
      createdBy: input.createdBy,
      createdAt: upload.created_at,
      institution,
    };
  });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
