import { NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { isUuid } from "../validation/isUuid.ts";

/**
 * An upload's bytes in order, a few chunks per query (never the whole file at
 * once). Given `institution`, an upload of another institution is refused
 * exactly as one that does not exist.
 */
export async function* readUpload(
  db: Kysely<Database>,
  uploadId: string,
  institution?: string,
): AsyncGenerator<Buffer> {
  let query = db.selectFrom("uploads").select("id").where("id", "=", uploadId);
  if (institution !== undefined) query = query.where("institution", "=", institution);
  const upload = isUuid(uploadId) ? await query.executeTakeFirst() : undefined;
  if (!upload) {
    throw new NotFoundError(
      `Uploaded file ${uploadId} does not exist (any more): upload it again.`,
    );
  }
  let after = -1;
  for (;;) {
    const chunks = await db
      .selectFrom("upload_chunks")
      .select(["seq", "content"])
      .where("upload_id", "=", uploadId)
      .where("seq", ">", after)
      .orderBy("seq")
      .limit(4)
      .execute();
    if (chunks.length === 0) return;
    for (const chunk of chunks) yield chunk.content;
    after = chunks.at(-1)!.seq;
  }
}
