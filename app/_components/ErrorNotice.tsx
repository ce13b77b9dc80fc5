import { toApiError } from "../_lib/apiError.ts";

interface ErrorNoticeProps {
  /** What failed, e.g. "Could not load runs". */
  readonly title: string;
  /** Its message is shown under the title; leave out when the title says it all. */
  readonly error?: unknown;
  /** A line on what happens next, e.g. "Retrying every 2 s." */
  readonly hint?: string | undefined;
}

export function ErrorNotice({ title, error, hint }: ErrorNoticeProps) {
  return (
    <div className="notice notice--error" role="alert">
      <p className="notice__title">{title}</p>
      {error === undefined ? null : <p>{toApiError(error).message}</p>}
      {hint ? <p className="muted">{hint}</p> : null}
    </div>
  );
}
