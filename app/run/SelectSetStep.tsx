"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { ItemizedSetForm } from "../_components/ItemizedSetForm.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { formatNumber } from "../_lib/formatters.ts";
import { type SetSummaryView, useTRPC } from "../_lib/trpcClient.ts";

/** Step 2: a set of the job's target, with member counts; or a new one from pasted barcodes. */
export function SelectSetStep({
  target,
  selected,
  onSelect,
}: {
  readonly target: SetSummaryView["target"];
  readonly selected: string | null;
  readonly onSelect: (set: SetSummaryView) => void;
}) {
  const trpc = useTRPC();
  const { data, error, isLoading: loading } = useQuery(trpc.sets.list.queryOptions({ target }));
  const [creating, setCreating] = useState(false);
  const [unknownNote, setUnknownNote] = useState<string | null>(null);

  return (
    <div className="wizard-columns">
      <section className="panel panel--flush" aria-labelledby="select-set">
        <div className="panel__header panel__header--padded">
          <h2 id="select-set" className="panel__title">
            Select a set of {target}
          </h2>
          <Link href="/sets" className="small">
            Manage sets
          </Link>
        </div>
        {loading ? <LoadingRows label="Loading sets" rows={4} /> : null}
        {error ? <ErrorNotice title="Could not load the sets" error={error} /> : null}
        {unknownNote ? (
          <div className="notice notice--warning" role="status">
            {unknownNote}
          </div>
        ) : null}
        {data && data.length === 0 ? (
          <div className="panel__body">
            <EmptyState title={`No sets of ${target} yet`}>
              Create one from barcodes on the right.
            </EmptyState>
          </div>
        ) : null}
        {data && data.length > 0 ? (
          <table className="table table--select" aria-label={`Sets of ${target}`}>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Select</span>
                </th>
                <th scope="col">Set</th>
                <th scope="col">Kind</th>
                <th scope="col" className="numeric">
                  Members
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((set) => (
                <tr
                  key={set.id}
                  className={selected === set.id ? "is-selected" : undefined}
                  onClick={() => onSelect(set)}
                >
                  <td>
                    <input
                      type="radio"
                      name="set"
                      id={`set-${set.id}`}
                      checked={selected === set.id}
                      onChange={() => onSelect(set)}
                    />
                  </td>
                  <td>
                    <label htmlFor={`set-${set.id}`} className="run-link">
                      {set.name}
                    </label>
                    {set.description ? (
                      <span className="muted small block">{set.description}</span>
                    ) : null}
                  </td>
                  <td>
                    <span className="tag">{set.kind}</span>
                  </td>
                  <td className="numeric">{formatNumber(set.memberCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="new-set">
        <h2 id="new-set" className="panel__title">
          New set from {target === "items" ? "barcodes" : "ids"}
        </h2>
        {creating || (data && data.length === 0) ? (
          <ItemizedSetForm
            target={target}
            submitLabel="Create and select"
            onCreated={(set, unknown) => {
              setCreating(false);
              setUnknownNote(
                unknown.length === 0
                  ? null
                  : `${formatNumber(unknown.length)} of the pasted entries match nothing and are not in “${set.name}”: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}`,
              );
              onSelect(set); // the form refreshed the sets
            }}
          />
        ) : (
          <>
            <p className="muted">Paste or upload a list, e.g. barcodes scanned at a shelf.</p>
            <button type="button" className="button" onClick={() => setCreating(true)}>
              Paste or upload…
            </button>
          </>
        )}
      </section>
    </div>
  );
}
