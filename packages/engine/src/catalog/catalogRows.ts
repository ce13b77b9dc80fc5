import { sql } from "kysely";
import {
  circulatingPolicies,
  firstNames,
  itemNotes,
  lastNames,
  libraries,
  locations,
  places,
  publicationPlaces,
  publishers,
  subdivisions,
  subjects,
  titleAdjectives,
  titleNouns,
} from "./catalogVocabulary.ts";
import { marcField } from "./marcField.ts";
import { pickFrom, rowHash } from "./rowHash.ts";

/**
 * The demo catalog's rows, generated in SQL (`generate_series`) from each row's id, so a
 * seed of millions of rows is a few statements and the same ids always give the same rows.
 */
export function insertRecords(lo: number, hi: number, scale: { asOf: Date; institution: string }) {
  const n = sql.ref("g.n");
  const subject = (index: number) =>
    sql`(${sql.val(subjects)}::text[])[1 + (h.subject + ${sql.lit(index)} * h.stride) % ${sql.lit(subjects.length)}]`;
  const title = sql<string>`case h.form % 4
      when 0 then 'The ' || ${pickFrom(sql`h.word`, titleAdjectives)} || ' ' || ${pickFrom(sql`(h.word >> 8)`, titleNouns)}
      when 1 then 'A History of ' || ${subject(0)}
      when 2 then ${pickFrom(sql`(h.word >> 8)`, titleNouns)} || ' of ' || ${pickFrom(sql`(h.word >> 16)`, places)}
      else ${pickFrom(sql`h.word`, titleAdjectives)} || ' ' || ${subject(0)} || ': ' || ${pickFrom(sql`(h.word >> 8)`, titleNouns)}
    end`;
  return sql`
    insert into bib_records (id, institution, title, author, year, subjects, fields, updated_at)
    select r.n, ${scale.institution}, r.title, r.author, r.year, r.subjects,
      (${sql.join(
        [
          sql`'['`,
          sql`coalesce(${marcField("100", ["1", " "], [["a", sql.ref("r.author")]])} || ',', '')`,
          marcField("245", ["1", "0"], [["a", sql.ref("r.title")]]),
          sql`','`,
          marcField(
            "260",
            [" ", " "],
            [
              ["a", sql.ref("r.place")],
              ["b", sql.ref("r.publisher")],
              ["c", sql`coalesce(r.year::text, 'n.d.')`],
            ],
          ),
          sql`coalesce(',' || ${marcField("650", [" ", "0"], [["a", sql`r.subjects[1]`]])}, '')`,
          sql`coalesce(',' || ${marcField("650", [" ", "0"], [["a", sql`r.subjects[2]`]])}, '')`,
          sql`coalesce(',' || ${marcField("650", [" ", "0"], [["a", sql`r.subjects[3]`]])}, '')`,
          sql`']'`,
        ],
        sql` || `,
      )})::jsonb,
      ${scale.asOf}::timestamptz
    from (
      select h.n, ${title} as title,
        case when h.author % 100 < 3 then null
          else ${pickFrom(sql`(h.author >> 8)`, lastNames)} || ', ' || ${pickFrom(sql`(h.author >> 16)`, firstNames)}
        end as author,
        case when h.year % 100 < 2 then null
          else 2025 - (175 * power(((h.year >> 8) % 10000) / 10000.0, 2))::int
        end as year,
        case when h.count % 10 < 4 then array[${subject(0)}]
          when h.count % 10 < 8 then array[${subject(0)}, ${subject(1)}]
          else array[${subject(0)}, ${subject(1)}, ${subject(2)}]
        end as subjects,
        ${pickFrom(sql`h.imprint`, publishers)} as publisher,
        ${pickFrom(sql`(h.imprint >> 8)`, publicationPlaces)} as place
      from (
        select g.n, ${rowHash(n, 1)} as form, ${rowHash(n, 2)} as word, ${rowHash(n, 3)} as author,
          ${rowHash(n, 4)} as year, ${rowHash(n, 5)} % ${sql.lit(subjects.length)} as subject,
          1 + ${rowHash(n, 6)} % ${sql.lit((subjects.length - 1) / 2)} as stride,
          ${rowHash(n, 7)} as count, ${rowHash(n, 8)} as imprint
        from generate_series(${lo}::bigint, ${hi}::bigint) as g(n)
        offset 0
      ) h
    ) r`;
}

/** Items with ids `lo`–`hi`; item `offset + k` is on record `offset + 1 + (k - 1) * records / items`. */
export function insertItems(
  lo: number,
  hi: number,
  scale: { items: number; records: number; asOf: Date; institution: string; offset: number },
) {
  const n = sql.ref("g.n");
  return sql`
    insert into items (id, institution, barcode, record_id, library, location, item_policy, status, notes, updated_at)
    select p.n, ${scale.institution}, '39' || lpad(p.n::text, 12, '0'),
      ${sql.lit(scale.offset)}::bigint + 1 + (p.n - ${sql.lit(scale.offset)}::bigint - 1) * ${sql.lit(scale.records)} / ${sql.lit(scale.items)},
      p.library, p.location, p.policy,
      case
        when p.status % 100 < 2 then 'missing'
        when p.status % 100 < 15 and p.policy in ('Regular loan', 'Short loan') then 'on_loan'
        else 'in_place'
      end,
      case when p.note % 100 < 80 then null else ${pickFrom(sql`(p.note >> 8)`, itemNotes)} end,
      ${scale.asOf}::timestamptz
    from (
      select h.n, h.status, h.note, h.library, h.location,
        case h.location
          when 'Reference' then 'Reference only'
          when 'Reserve' then 'Short loan'
          when 'Special Collections' then 'Non-circulating'
          else ${pickFrom(sql`h.policy`, circulatingPolicies)}
        end as policy
      from (
        select g.n, ${pickFrom(rowHash(n, 11), libraries)} as library,
          ${pickFrom(rowHash(n, 12), locations)} as location,
          ${rowHash(n, 13)} as policy, ${rowHash(n, 14)} as status, ${rowHash(n, 15)} as note
        from generate_series(${lo}::bigint, ${hi}::bigint) as g(n)
        offset 0
      ) h
    ) p`;
}

/**
 * Loans of items `lo`–`hi`, with the item's id as the loan's id: an open loan
 * for each item on loan, and a returned one for about 30% of the others.
 */
export function insertLoans(
  lo: number,
  hi: number,
  scale: { items: number; asOf: Date; institution: string },
) {
  const id = sql.ref("i.id");
  const patrons = Math.max(200, Math.ceil(scale.items / 8));
  return sql`
    insert into loans (id, institution, item_id, patron_id, patron_name, loaned_at, due_at, returned_at, updated_at)
    select l.id, ${scale.institution}, l.id, 'P' || lpad(l.patron::text, 6, '0'),
      (${sql.val(firstNames)}::text[])[1 + l.patron % ${sql.lit(firstNames.length)}] || ' ' ||
        (${sql.val(lastNames)}::text[])[1 + (l.patron / ${sql.lit(firstNames.length)}) % ${sql.lit(lastNames.length)}],
      l.loaned_at,
      l.loaned_at + make_interval(days => case when l.open or l.term % 4 > 0 then 28 else 7 end),
      case when l.open then null else l.loaned_at + make_interval(days => (1 + l.term % 45)::int) end,
      ${scale.asOf}::timestamptz
    from (
      select h.id, h.open, h.patron, h.term,
        ${scale.asOf}::timestamptz - make_interval(
          days => (case when h.open then 1 + h.age % 50 else 46 + h.age % 1050 end)::int,
          mins => ((h.age >> 12) % 600)::int
        ) as loaned_at
      from (
        select i.id, i.status = 'on_loan' as open, 1 + ${rowHash(id, 21)} % ${sql.lit(patrons)} as patron,
          ${rowHash(id, 22)} as age, ${rowHash(id, 23)} as term
        from items i
        where i.id between ${lo} and ${hi}
          and (i.status = 'on_loan' or (i.status = 'in_place' and ${rowHash(id, 20)} % 100 < 30))
        offset 0
      ) h
    ) l`;
}

/**
 * Subject headings: each subject, each subject with each subdivision
 * ("Jazz -- History"), and variant forms of every fourth of those
 * ("Jazz--History", "Jazz - History") whose preferred term is the standard form,
 * with ids from `offset + 1`.
 */
export function headingRows(asOf: Date, offset: number, institution: string) {
  const rows: {
    id: number;
    institution: string;
    term: string;
    preferred_term: string;
    updated_at: Date;
  }[] = [];
  const add = (term: string, preferred: string) =>
    rows.push({
      id: offset + rows.length + 1,
      institution,
      term,
      preferred_term: preferred,
      updated_at: asOf,
    });
  for (const subject of subjects) add(subject, subject);
  const variants: [string, string][] = [];
  subjects.forEach((subject, s) => {
    subdivisions.forEach((subdivision, d) => {
      const preferred = `${subject} -- ${subdivision}`;
      add(preferred, preferred);
      const i = s * subdivisions.length + d;
      if (i % 4 === 1) {
        const variant = i % 8 === 1 ? `${subject}--${subdivision}` : `${subject} - ${subdivision}`;
        variants.push([variant, preferred]);
      }
    });
  });
  for (const [term, preferred] of variants) add(term, preferred);
  return rows;
}
