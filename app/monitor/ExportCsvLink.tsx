"use client";

import { useQuery } from "@tanstack/react-query";
import { Icon } from "../_components/Icon.tsx";
import { type RouterInputs, useTRPC } from "../_lib/trpcClient.ts";

type HistoryFilters = NonNullable<RouterInputs["runs"]["exportHistoryCsv"]>;

/** A download of every run the History tab's filters match (all pages), as CSV. */
export function ExportCsvLink({ filters }: { readonly filters: HistoryFilters }) {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.runs.exportHistoryCsv.queryOptions(filters));
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
