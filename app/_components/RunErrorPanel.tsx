import { formatStateValue } from "../_lib/formatters.ts";
import type { RunView } from "../_lib/trpcClient.ts";

/**
 * Why a run failed, where, in which activation, and whether retrying could help;
 * the stack of a step's error and its line in the job's file collapsed under
 * "Technical details".
 */
export function RunErrorPanel({ error }: { readonly error: NonNullable<RunView["error"]> }) {
  return (
    <section aria-labelledby="run-error" className="panel panel--error">
      <h2 id="run-error" className="panel__title">
        Error
      </h2>
      <p className="run-error__message">
        {error.name ? <strong>{error.name}: </strong> : null}
        {error.message}
      </p>
      {error.retriable === false ? (
        <p data-testid="not-retriable">
          Retrying cannot fix this error, so Retry is not offered: fix what it reports, then start a
          new run.
        </p>
      ) : null}
      <dl className="facts">
        {error.state !== undefined ? (
          <>
            <dt>In state</dt>
            <dd>
              <code>{formatStateValue(error.state)}</code>
            </dd>
          </>
        ) : null}
        {error.activation !== undefined ? (
          <>
            <dt>Activation</dt>
            <dd>{error.activation}</dd>
          </>
        ) : null}
      </dl>
      {error.stack || error.location ? (
        <details className="run-error__details" data-testid="run-error-details">
          <summary>Technical details</summary>
          {error.location ? (
            <p>
              Thrown at{" "}
              <code data-testid="run-error-location">
                {error.location.file}:{error.location.line}
              </code>
            </p>
          ) : null}
          {error.stack ? (
            <pre className="run-error__stack" data-testid="run-error-stack">
              {error.stack}
            </pre>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}
