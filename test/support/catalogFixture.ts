import pg from "pg";

/**
 * A small catalog written straight with SQL: `items` items on `items / 2` records.
 * Item i has barcode `B<i>`, policy "Regular loan", status in_place (every
 * 100th withdrawn when `withdrawnEvery` is set).
 */
export async function insertCatalog(
  url: string,
  { items, withdrawnEvery = 0 }: { items: number; withdrawnEvery?: number },
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const records = Math.max(1, Math.ceil(items / 2));
    await client.query(
      `insert into bib_records (id, title, author, year, subjects)
       select g, '  Title ' || g || ' /', 'Author ' || g || ',', 1900 + g % 120, array['Zoology', 'Art', 'Art']
       from generate_series(1, $1::int) g`,
      [records],
    );
    await client.query(
      `insert into items (id, barcode, record_id, library, location, item_policy, status)
       select g, 'B' || g, 1 + (g - 1) % $2::int, 'Main Library', 'Stacks', 'Regular loan',
              case when $3::int > 0 and g % $3::int = 0 then 'withdrawn' else 'in_place' end
       from generate_series(1, $1::int) g`,
      [items, records, withdrawnEvery],
    );
  } finally {
    await client.end();
  }
}

/** What `insertSet` writes: `members` consecutive ids of `target`, from `firstId` (default 1). */
export interface SetSpec {
  readonly name: string;
  readonly target: string;
  readonly members: number;
  readonly firstId?: number;
}

/** An itemized set of `target` members, written straight with SQL. */
export async function insertSet(
  url: string,
  { name, target, members, firstId = 1 }: SetSpec,
): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `insert into sets (name, kind, target, created_by) values ($1, 'itemized', $2, 'test') returning id`,
      [name, target],
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
