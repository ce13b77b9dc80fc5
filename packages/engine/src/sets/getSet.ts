import { InvalidParamsError } from "@docket/sdk";
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { type SetSummary, toRecordSet } from "./recordSet.ts";
import { targetTableNames } from "./setFields.ts";
import { assertSetId, unknownSet } from "./setInput.ts";
import { countSetMembers, selectSetMembers } from "./setMembership.ts";

export interface GetSetInput {
  readonly id: string;
  /** A previous page's `nextCursor`: members after it. Default: the first page. */
  readonly cursor?: string | undefined;
  /** Members per page. Default 50, at most 500. */
  readonly limit?: number | undefined;
}

/** A member of a set with a short label to recognise it by. */
export interface SetMember {
  readonly id: string;
  /** Items: barcode — title; records: title (year); loans: patron — barcode; headings: term (→ preferred term). */
  readonly label: string;
}

export interface SetPage {
  readonly set: SetSummary;
  /** Current members in id order. */
  readonly members: SetMember[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/**
 * A set with its member count and one keyset page of its current members (its
 * institution's records only). Any institution's set: callers check whose it is.
 */
export async function getSet(db: Kysely<Database>, input: GetSetInput): Promise<SetPage> {
  assertSetId(input.id);
  if (input.cursor !== undefined && !/^\d{1,18}$/.test(input.cursor)) {
    const message = "Pass a nextCursor from a previous page";
    throw new InvalidParamsError(`Invalid cursor "${input.cursor}": ${message}.`, [
      { path: "cursor", message },
    ]);
  }
  const row = await db.selectFrom("sets").selectAll().where("id", "=", input.id).executeTakeFirst();
  if (!row) throw unknownSet(input.id);
  const set = toRecordSet(row);
  const limit = Math.min(Math.max(Math.trunc(input.limit ?? 50), 1), 500);
  const id = sql.ref<string>(`${targetTableNames[set.target]}.id`);
  const [memberCount, ids] = await Promise.all([
    countSetMembers(db, set),
    selectSetMembers(db, set, input.cursor)
      .orderBy(id)
      .limit(limit + 1)
      .execute()
      .then((rows) => rows.map((r) => String(r.member_id))),
  ]);
  const pageIds = ids.slice(0, limit);
  const labels = new Map(
    pageIds.length === 0
      ? []
      : (await memberLabels[set.target](pageIds).execute(db)).rows.map((r) => [
          String(r.id),
          r.label,
        ]),
  );
  return {
    set: { ...set, memberCount },
    members: pageIds.map((memberId) => ({ id: memberId, label: labels.get(memberId) ?? "" })),
    nextCursor: ids.length > limit ? (pageIds.at(-1) ?? null) : null,
  };
}

type LabelQuery = (ids: readonly string[]) => RawBuilder<{ id: string; label: string }>;

const memberLabels: Readonly<Record<TargetKind, LabelQuery>> = {
  items: (ids) => sql`
    select i.id, i.barcode || ' — ' || r.title as label
    from items i join bib_records r on r.id = i.record_id
    where i.id = any(${ids}::bigint[])`,
  records: (ids) => sql`
    select id, title || coalesce(' (' || year || ')', '') as label
    from bib_records where id = any(${ids}::bigint[])`,
  loans: (ids) => sql`
    select l.id, coalesce(l.patron_name, 'anonymized patron') || ' — ' || i.barcode as label
    from loans l join items i on i.id = l.item_id
    where l.id = any(${ids}::bigint[])`,
  headings: (ids) => sql`
    select id, case when term = preferred_term then term else term || ' → ' || preferred_term end as label
    from headings where id = any(${ids}::bigint[])`,
};
