import type { WorkflowNotice } from "./useWorkflowActions.ts";

/** The last action's outcome in its tone: an alert for an error, a status otherwise. */
export function OutcomeNotice({
  notice,
  testId,
}: {
  readonly notice: WorkflowNotice;
  readonly testId: string;
}) {
  if (!notice) return null;
  return (
    <div
      className={`notice notice--${notice.tone}`}
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid={testId}
    >
      {notice.text}
    </div>
  );
}
