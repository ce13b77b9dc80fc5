"use client";

import { type Role, roles } from "@docket/sdk/vocabulary";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useSession } from "../_components/AuthProvider.tsx";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { Field } from "../_components/Field.tsx";
import { FormErrorNotice } from "../_components/FormErrorNotice.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { issuesByField, toApiError } from "../_lib/apiError.ts";
import { formatAgo } from "../_lib/formatters.ts";
import { type CurrentUser, useTRPC } from "../_lib/trpcClient.ts";
import { useInvalidate } from "../_lib/useInvalidate.ts";

const roleHints: Readonly<Record<Role, string>> = {
  admin: "everything: schedules, users, every run",
  staff: "run jobs, watch and abort their own runs, sets",
  viewer: "read only",
  network: "reads every member institution's runs, schedules and dashboard; changes nothing",
};

/**
 * The roles an admin may give: the network role exists only in the Network
 * Zone (an institution of kind "network"), whose users watch the members.
 */
function rolesFor(me: CurrentUser): readonly Role[] {
  return me.institution.kind === "network" ? roles : roles.filter((role) => role !== "network");
}

/** Users with their roles: create, change role, reset password. */
export function UsersPanel() {
  const { user: me } = useSession();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const { data, error, isLoading: loading } = useQuery(trpc.users.list.queryOptions());
  const roleChange = useMutation(
    trpc.users.setRole.mutationOptions({ onSuccess: () => invalidate(trpc.users.pathKey()) }),
  );
  const passwordReset = useMutation(
    trpc.users.resetPassword.mutationOptions({ onSuccess: () => invalidate(trpc.users.pathKey()) }),
  );
  const [rowError, setRowError] = useState<{ user: string; message: string } | null>(null);
  const [resetFor, setResetFor] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState("");
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const setRole = async (name: string, role: Role) => {
    setRowError(null);
    try {
      await roleChange.mutateAsync({ user: name, role });
      setNotice(`${name} is now ${role}.`);
    } catch (cause) {
      setRowError({ user: name, message: toApiError(cause).message });
    }
  };

  const resetPassword = async () => {
    if (!resetFor) return;
    const name = resetFor;
    setPasswordError(null);
    try {
      await passwordReset.mutateAsync({ user: name, password: newPassword });
      setNotice(`Password of ${name} reset; their sessions ended.`);
      setResetFor(null);
      setNewPassword("");
    } catch (cause) {
      const apiError = toApiError(cause);
      const password = issuesByField(apiError.issues).password;
      // A password the server refuses is fixed in the dialog; anything else belongs to the user's row.
      if (password) return setPasswordError(password);
      setResetFor(null);
      setRowError({ user: name, message: apiError.message });
    }
  };

  return (
    <div className="split">
      <section className="panel panel--flush" aria-labelledby="users-title">
        <div className="panel__header panel__header--padded">
          <h2 id="users-title" className="panel__title">
            Users {data ? <span className="count">{data.length}</span> : null}
          </h2>
        </div>
        {notice ? (
          <div className="notice notice--success" role="status">
            {notice}
          </div>
        ) : null}
        {loading ? <LoadingRows label="Loading users" rows={4} /> : null}
        {error ? <ErrorNotice title="Could not load the users" error={error} /> : null}
        {data ? (
          <table className="table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((user) => (
                <tr key={user.id}>
                  <td>
                    <span className="run-link">{user.displayName}</span>
                    <span className="run-link__job mono">
                      {user.name}
                      {user.disabled ? " · disabled" : ""}
                    </span>
                    {rowError?.user === user.name ? (
                      <p className="field__error">{rowError.message}</p>
                    ) : null}
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                      Role of {user.name}
                    </label>
                    <select
                      id={`role-${user.id}`}
                      value={user.role}
                      disabled={user.name === me.name}
                      title={user.name === me.name ? "You cannot change your own role" : undefined}
                      onChange={(e) => void setRole(user.name, e.target.value as Role)}
                    >
                      {rolesFor(me).map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="nowrap muted">{formatAgo(user.createdAt)}</td>
                  <td className="numeric">
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => setResetFor(user.name)}
                    >
                      Reset password
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="new-user">
        <h2 id="new-user" className="panel__title">
          New user
        </h2>
        <CreateUserForm
          onCreated={(name) => {
            setNotice(`Created ${name}.`);
          }}
        />
      </section>
      <ConfirmDialog
        open={resetFor !== null}
        title={`Reset the password of ${resetFor ?? ""}?`}
        confirmLabel="Reset password"
        tone="primary"
        busy={newPassword.length === 0}
        onConfirm={resetPassword}
        onCancel={() => {
          setResetFor(null);
          setNewPassword("");
          setPasswordError(null);
        }}
      >
        <p>Their sessions end; tell them the new password another way.</p>
        <Field id="reset-password" label="New password" error={passwordError}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              value={newPassword}
              onChange={(e) => {
                setNewPassword(e.target.value);
                setPasswordError(null);
              }}
            />
          )}
        </Field>
      </ConfirmDialog>
    </div>
  );
}

function CreateUserForm({ onCreated }: { readonly onCreated: (name: string) => void }) {
  const { user } = useSession();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const creation = useMutation(
    trpc.users.create.mutationOptions({ onSuccess: () => invalidate(trpc.users.pathKey()) }),
  );
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>("staff");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setErrors({});
    setFormError(null);
    try {
      await creation.mutateAsync({
        name: name.trim(),
        role,
        password,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      });
      onCreated(name.trim());
      setName("");
      setDisplayName("");
      setPassword("");
    } catch (cause) {
      const apiError = toApiError(cause);
      // A taken name is the name field's problem, like a malformed one.
      const byField =
        apiError.code === "CONFLICT" ? { name: apiError.message } : issuesByField(apiError.issues);
      setErrors(byField);
      if (Object.keys(byField).length === 0) setFormError(apiError.message);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="New user">
      <FormErrorNotice message={formError} />
      <Field id="new-user-name" label="User name" error={errors.name}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <Field id="new-user-display" label="Display name" error={errors.displayName}>
        {(control) => (
          <input
            {...control}
            type="text"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        )}
      </Field>
      <Field id="new-user-role" label="Role" error={errors.role} hint={roleHints[role]}>
        {(control) => (
          <select {...control} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {rolesFor(user).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="new-user-password" label="Initial password" error={errors.password}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? "Creating…" : "Create user"}
      </button>
    </form>
  );
}
