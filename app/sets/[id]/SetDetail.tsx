"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useSession } from "../../_components/AuthProvider.tsx";
import { ConfirmDialog } from "../../_components/ConfirmDialog.tsx";
import { EmptyState } from "../../_components/EmptyState.tsx";
import { ErrorNotice } from "../../_components/ErrorNotice.tsx";
import { LoadingRows } from "../../_components/LoadingRows.tsx";
import { NetworkNotice } from "../../_components/NetworkNotice.tsx";
import { PageHeader } from "../../_components/PageHeader.tsx";
import { Pager, useCursorPages } from "../../_components/Pager.tsx";
import { isNotFound, toApiError } from "../../_lib/apiError.ts";
import { formatDateTime, formatNumber } from "../../_lib/formatters.ts";
import { mayChange } from "../../_lib/institutions.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate } from "../../_lib/useInvalidate.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";

const pageSize = 50;

/** A set, its filter (logical) and its current members, a keyset page at a time. */
export function SetDetail({ setId }: { readonly setId: string }) {
  const router = useRouter();
  const { user } = useSession();
  const pages = useCursorPages(setId);
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const { data, error, loading } = useLoadedQuery(
    trpc.sets.get.queryOptions({
      id: setId,
      limit: pageSize,
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
    }),
  );
  const deletion = useMutation(
    trpc.sets.delete.mutationOptions({ onSuccess: () => invalidate(trpc.sets.pathKey()) }),
  );
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const remove = async () => {
    setConfirming(false);
    try {
      await deletion.mutateAsync({ id: setId });
      router.push("/sets");
    } catch (cause) {
      setDeleteError(toApiError(cause).message);
    }
  };

  const eyebrow = <Link href="/sets">Sets</Link>;
  if (loading && !data) {
    return (
      <>
        <PageHeader title="Set" eyebrow={eyebrow} />
        <LoadingRows label="Loading the set" rows={6} />
      </>
    );
  }
  if (!data) {
    return (
      <>
        <PageHeader title={isNotFound(error) ? "Unknown set" : "Set"} eyebrow={eyebrow} />
        <ErrorNotice title="Could not load the set" error={error} />
      </>
    );
  }
  const { set } = data;
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={
          <>
            {set.name} <span className="tag">{set.kind}</span>
          </>
        }
        subtitle={`${formatNumber(set.memberCount)} ${set.target} · created by ${set.createdBy}, ${formatDateTime(set.createdAt)}`}
        actions={
          mayChange(user) ? (
            <div className="button-row">
              <Link
                href={`/run?${new URLSearchParams({ setId: set.id })}`}
                className="button button--primary"
              >
                Run a job on this set
              </Link>
              <button
                type="button"
                className="button button--danger"
                onClick={() => setConfirming(true)}
              >
                Delete set
              </button>
            </div>
          ) : null
        }
      />
      <NetworkNotice />
      {deleteError ? (
        <ErrorNotice title="Could not delete the set" error={new Error(deleteError)} />
      ) : null}
      {set.description ? <p className="lead">{set.description}</p> : null}
      {set.filter ? (
        <section className="panel" aria-labelledby="set-filter">
          <h2 id="set-filter" className="panel__title">
            Filter
          </h2>
          <ul className="param-summary">
            {(["all", "any"] as const).flatMap((group) =>
              (set.filter?.[group] ?? []).map((condition, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a saved filter's conditions never reorder
                <li key={`${group}-${index}`}>
                  <span className="muted">{group === "all" ? "and" : "or"}</span>{" "}
                  <code>
                    {condition.field} {condition.op}
                    {condition.value === undefined ? "" : ` ${JSON.stringify(condition.value)}`}
                  </code>
                </li>
              )),
            )}
          </ul>
          <p className="muted small">Evaluated when a run starts; the count above is as of now.</p>
        </section>
      ) : null}
      <section className="panel panel--flush" aria-labelledby="set-members">
        <div className="panel__header panel__header--padded">
          <h2 id="set-members" className="panel__title">
            Members
          </h2>
        </div>
        {error ? <ErrorNotice title="Could not load the members" error={error} /> : null}
        {data.members.length === 0 ? (
          <div className="panel__body">
            <EmptyState title="This set has no members now" />
          </div>
        ) : (
          <table className="table table--compact" aria-label="Members">
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Record</th>
              </tr>
            </thead>
            <tbody>
              {data.members.map((member) => (
                <tr key={member.id}>
                  <td className="mono nowrap">{member.id}</td>
                  <td>{member.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="panel__footer">
          <Pager
            page={pages.page}
            nextCursor={data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            noun="members"
          />
        </div>
      </section>
      <ConfirmDialog
        open={confirming}
        title="Delete this set?"
        confirmLabel="Delete set"
        onConfirm={remove}
        onCancel={() => setConfirming(false)}
      >
        <p>
          “{set.name}” is deleted; the records stay. Runs that used it keep the list of members they
          processed.
        </p>
      </ConfirmDialog>
    </>
  );
}
