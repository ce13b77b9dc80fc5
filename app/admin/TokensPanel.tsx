"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { Field } from "../_components/Field.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { issuesByField, toApiError } from "../_lib/apiError.ts";
import { formatAgo, formatDateTime } from "../_lib/formatters.ts";
import { useTRPC } from "../_lib/trpcClient.ts";
import { useInvalidate } from "../_lib/useInvalidate.ts";
import { useLoadedQuery } from "../_lib/useLoadedQuery.ts";

/** API tokens: create (the secret is shown once) and revoke. Admins see everyone's. */
export function TokensPanel({ isAdmin }: { readonly isAdmin: boolean }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const { data, error, loading } = useLoadedQuery(
    trpc.tokens.list.queryOptions(isAdmin ? { all: true } : undefined),
  );
  const creation = useMutation(
    trpc.tokens.create.mutationOptions({ onSuccess: () => invalidate(trpc.tokens.pathKey()) }),
  );
  const revocation = useMutation(
    trpc.tokens.revoke.mutationOptions({ onSuccess: () => invalidate(trpc.tokens.pathKey()) }),
  );
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setNameError(null);
    setActionError(null);
    if (!name.trim())
      return setNameError("Name the token after what uses it, e.g. “nightly export script”.");
    try {
      const created = await creation.mutateAsync({ name: name.trim() });
      setSecret({ name: created.token.name, value: created.secret });
      setCopied(false);
      setName("");
    } catch (cause) {
      const apiError = toApiError(cause);
      setNameError(issuesByField(apiError.issues).name ?? apiError.message);
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    try {
      await revocation.mutateAsync({ id: revoking.id });
    } catch (cause) {
      setActionError(toApiError(cause).message);
    } finally {
      setRevoking(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="tokens-title">
      <div className="panel__header">
        <h2 id="tokens-title" className="panel__title">
          API tokens
        </h2>
        <span className="muted small">
          Send as <code>Authorization: Bearer &lt;token&gt;</code>; a token acts with its user's
          role.
        </span>
      </div>
      <form className="token-form" onSubmit={create} noValidate aria-label="New API token">
        <Field id="token-name" label="Token name" error={nameError}>
          {(control) => (
            <div className="button-row">
              <input
                {...control}
                type="text"
                maxLength={100}
                value={name}
                placeholder="e.g. nightly export script"
                style={{ maxWidth: "22rem" }}
                onChange={(e) => setName(e.target.value)}
              />
              <button type="submit" className="button button--primary">
                Create token
              </button>
            </div>
          )}
        </Field>
      </form>
      {secret ? (
        <div className="notice notice--success" role="status">
          <p className="notice__title">
            Token “{secret.name}” created. Copy it now: it is never shown again.
          </p>
          <div className="secret">
            <code data-testid="token-secret">{secret.value}</code>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                void navigator.clipboard?.writeText(secret.value).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      ) : null}
      {actionError ? (
        <ErrorNotice title="Could not revoke the token" error={new Error(actionError)} />
      ) : null}
      {loading ? <LoadingRows label="Loading tokens" /> : null}
      {error ? <ErrorNotice title="Could not load the tokens" error={error} /> : null}
      {data && data.length === 0 ? <EmptyState title="No API tokens yet" /> : null}
      {data && data.length > 0 ? (
        <table className="table" aria-label="API tokens">
          <thead>
            <tr>
              <th scope="col">Token</th>
              {isAdmin ? <th scope="col">User</th> : null}
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.map((token) => (
              <tr key={token.id}>
                <td>
                  <span className="run-link">{token.name}</span>
                  <span className="run-link__job mono">{token.prefix}…</span>
                </td>
                {isAdmin ? <td>{token.userName}</td> : null}
                <td className="nowrap">{formatDateTime(token.createdAt)}</td>
                <td className="nowrap muted">
                  {token.lastUsedAt ? formatAgo(token.lastUsedAt) : "never"}
                </td>
                <td className="numeric">
                  {token.revokedAt ? (
                    <span className="tag">revoked</span>
                  ) : (
                    <button
                      type="button"
                      className="button button--small button--danger"
                      onClick={() => setRevoking({ id: token.id, name: token.name })}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        onConfirm={revoke}
        onCancel={() => setRevoking(null)}
      >
        <p>Scripts using “{revoking?.name}” are refused from now on.</p>
      </ConfirmDialog>
    </section>
  );
}
