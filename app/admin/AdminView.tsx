"use client";

import { useSession } from "../_components/AuthProvider.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { TokensPanel } from "./TokensPanel.tsx";
import { UsersPanel } from "./UsersPanel.tsx";

/** Users and roles, and API tokens. Only admins see the users; everyone may manage their own tokens. */
export function AdminView() {
  const { user } = useSession();
  return (
    <>
      <PageHeader
        title="Admin"
        subtitle="Who may sign in, with which role, and the API tokens scripts use."
      />
      {user.role === "admin" ? (
        <UsersPanel />
      ) : (
        <ErrorNotice
          title="Users are managed by admins"
          hint={`You are signed in as ${user.role}; your own API tokens are below.`}
        />
      )}
      <TokensPanel isAdmin={user.role === "admin"} />
    </>
  );
}
