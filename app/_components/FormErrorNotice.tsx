import type { ApiIssue } from "../_lib/apiError.ts";

interface FormErrorNoticeProps {
  /** Why the form was refused, or null while nothing is wrong (renders nothing). */
  readonly message: string | null;
  /** Invalid fields the form has no input of its own to show them beside. */
  readonly issues?: readonly ApiIssue[];
}

/** The notice at the top of a form for an error no single field owns. */
export function FormErrorNotice({ message, issues = [] }: FormErrorNoticeProps) {
  if (!message) return null;
  return (
    <div className="notice notice--error" role="alert" tabIndex={-1}>
      {issues.length ? <p className="notice__title">{message}</p> : message}
      {issues.length ? (
        <ul>
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>{issue.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
