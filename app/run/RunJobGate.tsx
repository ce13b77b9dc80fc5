"use client";

import Link from "next/link";
import { useSession } from "../_components/AuthProvider.tsx";
import { EmptyState } from "../_components/EmptyState.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { isNetworkUser, networkReadOnlyNote } from "../_lib/institutions.ts";
import { RunWizard } from "./RunWizard.tsx";

/**
 * Viewers and the network role read but never start runs: they get a note
 * rather than a wizard that would refuse at the end.
 */
export function RunJobGate() {
  const { user } = useSession();
  if (isNetworkUser(user)) {
    return (
      <>
        <PageHeader title="Run a job" />
        <div data-testid="network-notice">
          <EmptyState title="The Network Zone starts no runs">
            {networkReadOnlyNote} Watch their runs in the <Link href="/monitor">monitor</Link>.
          </EmptyState>
        </div>
      </>
    );
  }
  if (user.role !== "viewer") return <RunWizard />;
  return (
    <>
      <PageHeader title="Run a job" />
      <EmptyState title="Viewers cannot start runs">
        Your role is viewer: you can watch runs in the <Link href="/monitor">monitor</Link>. Ask an
        admin for the staff role to run jobs.
      </EmptyState>
    </>
  );
}
