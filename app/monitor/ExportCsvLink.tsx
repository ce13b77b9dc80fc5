"use client";

import { Icon } from "../_components/Icon.tsx";
import { trpc } from "../_lib/trpcClient.ts";
import { useQuery } from "../_lib/useQuery.ts";

type HistoryFilters = NonNullable<Parameters<typeof trpc.runs.exportHistoryCsv.query>[0]>;

/** A download of every run the History tab's filters match (all pages), as CSV. */
export function ExportCsvLink({ filters }: { readonly filters: HistoryFilters }) {
  const key = JSON.stringify(filters);
  const { data } = useQuery((signal) => trpc.runs.exportHistoryCsv.query(filters, { signal }), {
    key,
  });
  return (
    <a
      className={`button${data ? "" : " is-disabled"}`}
      href={data?.url ?? "#"}
      aria-disabled={data ? undefined : true}
      download
    >
      <Icon name="download" />
      Export CSV
    </a>
  );
}
