import pg from "pg";

/**
 * A small catalog written straight with SQL: `items` items on `items / 2` records.
 * Item i has barcode `B<i>`, policy "Regular loan", status in_place (every
 * 100th withdrawn when `withdrawnEvery` is set). Ids run from `firstId`
 * (default 1); the rows belong to `institution` (default `main`).
 */
export async function insertCatalog(
  url: string,
  {
    items,
    withdrawnEvery = 0,
    institution = "main",
    firstId = 1,
  }: { items: number; withdrawnEvery?: number; institution?: string; firstId?: number },
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const records = Math.max(1, Math.ceil(items / 2));
    const offset = firstId - 1;
    await client.query(
      `insert into bib_records (id, institution, title, author, year, subjects)
       select $3::bigint + g, $2, '  Title ' || g || ' /', 'Author ' || g || ',', 1900 + g % 120, array['Zoology', 'Art', 'Art']
       from generate_series(1, $1::int) g`,
      [records, institution, offset],
    );
    await client.query(
      `insert into items (id, institution, barcode, record_id, library, location, item_policy, status)
       select $5::bigint + g, $4, 'B' || ($5::bigint + g), $5::bigint + 1 + (g - 1) % $2::int, 'Main Library', 'Stacks', 'Regular loan',
              case when $3::int > 0 and g % $3::int = 0 then 'withdrawn' else 'in_place' end
       from generate_series(1, $1::int) g`,
      [items, records, withdrawnEvery, institution, offset],
    );
  } finally {
    await client.end();
  }
}

/**
 * What `insertSet` writes: `members` consecutive ids of `target`, from `firstId`
 * (default 1), in a set of `institution` (default `main`).
 */
export interface SetSpec {
  readonly name: string;
  readonly target: string;
  readonly members: number;
  readonly firstId?: number;
  readonly institution?: string;
}

/** An itemized set of `target` members, written straight with SQL. */
export async function insertSet(
  url: string,
  { name, target, members, firstId = 1, institution = "main" }: SetSpec,
): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `insert into sets (name, kind, target, created_by, institution) values ($1, 'itemized', $2, 'test', $3) returning id`,
      [name, target, institution],
    );
    const id = rows[0]!.id;
    await client.query(
      `insert into set_members (set_id, member_id) select $1, g from generate_series($2::bigint, $3::bigint) g`,
      [id, firstId, firstId + members - 1],
    );
    return id;
  } finally {
    await client.end();
  }
}

export async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
