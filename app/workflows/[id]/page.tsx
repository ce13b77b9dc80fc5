import type { Metadata } from "next";
import { Suspense } from "react";
import { WorkflowEditor } from "../../_components/workflows/WorkflowEditor.tsx";

export const metadata: Metadata = { title: "Workflow" };

interface WorkflowPageProps {
  readonly params: Promise<{ id: string }>;
  readonly searchParams: Promise<{ version?: string | string[] }>;
}

/** The latest version, editable; `?version=N` shows an older one read-only. */
export default async function WorkflowPage({ params, searchParams }: WorkflowPageProps) {
  const { id } = await params;
  const { version } = await searchParams;
  const number = typeof version === "string" ? Number.parseInt(version, 10) : Number.NaN;
  const shown = Number.isInteger(number) && number > 0 ? number : undefined;
  return (
    <Suspense fallback={<p className="muted">Loading the workflow…</p>}>
      <WorkflowEditor
        key={`${id}:${shown ?? "latest"}`}
        workflowId={id}
        {...(shown ? { version: shown } : {})}
      />
    </Suspense>
  );
}
