"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useSession } from "../_components/AuthProvider.tsx";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { ItemizedSetForm } from "../_components/ItemizedSetForm.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { NetworkNotice } from "../_components/NetworkNotice.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { formatAgo, formatCreator, formatNumber } from "../_lib/formatters.ts";
import { institutionsOf, mayChange } from "../_lib/institutions.ts";
import { useTRPC } from "../_lib/trpcClient.ts";
import { LogicalSetForm } from "./LogicalSetForm.tsx";

type NewSetKind = "itemized" | "logical";

/** Every set with its member count, and forms to create itemized and logical ones. */
export function SetsView() {
  const { user } = useSession();
  const trpc = useTRPC();
  const { data, error, isLoading: loading } = useQuery(trpc.sets.list.queryOptions());
  const [kind, setKind] = useState<NewSetKind>("itemized");
  const [created, setCreated] = useState<string | null>(null);
  const canCreate = mayChange(user);
  const institutions = institutionsOf(user);
  const across = institutions.acrossInstitutions;

  const onCreated = (name: string, note?: string) => {
    setCreated(`Saved “${name}”.${note ? ` ${note}` : ""}`); // the forms refreshed the list
  };

  return (
    <>
      <PageHeader
        title="Sets"
        subtitle="Named populations of records that jobs act on: itemized (listed ids or barcodes) or logical (a saved filter, evaluated when a run starts)."
      />
      <NetworkNotice />
      <div className={canCreate ? "split" : undefined}>
        <section className="panel panel--flush" aria-labelledby="sets-list">
          <div className="panel__header panel__header--padded">
            <h2 id="sets-list" className="panel__title">
              All sets {data ? <span className="count">{data.length}</span> : null}
            </h2>
          </div>
          {loading ? <LoadingRows label="Loading sets" rows={5} /> : null}
          {error ? <ErrorNotice title="Could not load the sets" error={error} /> : null}
          {data && data.length === 0 ? (
            <div className="panel__body">
              <EmptyState title="No sets yet">Create one with the form.</EmptyState>
            </div>
          ) : null}
          {data && data.length > 0 ? (
            <div className="table-scroll">
              <table className="table" aria-label="Sets">
                <thead>
                  <tr>
                    <th scope="col">Set</th>
                    {across ? <th scope="col">Institution</th> : null}
                    <th scope="col">Kind</th>
                    <th scope="col">Records</th>
                    <th scope="col" className="numeric">
                      Members
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((set) => (
                    <tr key={set.id}>
                      <td>
                        <Link href={`/sets/${set.id}`} className="run-link">
                          {set.name}
                        </Link>
                        <span className="muted small block">
                          {set.description ? `${set.description} · ` : ""}by{" "}
                          {formatCreator(set.createdBy)}, {formatAgo(set.createdAt)}
                        </span>
                      </td>
                      {across ? <td>{institutions.nameOf(set.institution)}</td> : null}
                      <td>
                        <span className="tag">{set.kind}</span>
                      </td>
                      <td>{set.target}</td>
                      <td className="numeric">{formatNumber(set.memberCount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
        {canCreate ? (
          <section className="panel" aria-labelledby="new-set">
            <h2 id="new-set" className="panel__title">
              New set
            </h2>
            <div className="tabs" role="tablist" aria-label="Kind of set">
              {(["itemized", "logical"] as const).map((k) => (
                <button
                  key={k}
                  type="button"
                  role="tab"
                  aria-selected={kind === k}
                  className="tabs__tab"
                  onClick={() => setKind(k)}
                >
                  {k === "itemized" ? "Itemized (ids)" : "Logical (filter)"}
                </button>
              ))}
            </div>
            {created ? (
              <div className="notice notice--success" role="status">
                {created}
              </div>
            ) : null}
            {kind === "itemized" ? (
              <ItemizedSetForm
                onCreated={(set, unknown) =>
                  onCreated(
                    set.name,
                    unknown.length
                      ? `Left out, as you chose: ${formatNumber(unknown.length)} ${unknown.length === 1 ? "entry that matches" : "entries that match"} nothing (${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}).`
                      : undefined,
                  )
                }
              />
            ) : (
              <LogicalSetForm onCreated={(set) => onCreated(set.name)} />
            )}
          </section>
        ) : null}
      </div>
    </>
  );
}
