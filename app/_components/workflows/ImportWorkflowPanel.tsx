"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { toApiError } from "../../_lib/apiError.ts";
import { type RouterOutputs, useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate } from "../../_lib/useInvalidate.ts";
import styles from "./workflows.module.css";

type Imported = RouterOutputs["workflows"]["import"];

interface ImportWorkflowPanelProps {
  readonly onImported: (workflow: Imported) => void;
  readonly onCancel: () => void;
}

/** Largest file read into the text box; the API takes at most 2 MB. */
const maxBytes = 2 * 1024 * 1024;

/**
 * Imports a workflow exported as JSON, from a file or pasted. Text that is not
 * JSON is refused here with the parser's message; the server checks the rest
 * and saves nothing when anything is wrong.
 */
export function ImportWorkflowPanel({ onImported, onCancel }: ImportWorkflowPanelProps) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const importing = useMutation(
    trpc.workflows.import.mutationOptions({
      onSuccess: () => invalidate(trpc.workflows.pathKey()),
    }),
  );
  const [json, setJson] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<readonly { path: string; message: string }[]>([]);
  const [pending, setPending] = useState(false);

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > maxBytes) {
      setError(`${file.name} is ${Math.round(file.size / 1024)} KB; workflows are at most 2 MB.`);
      return;
    }
    setJson(await file.text());
    setError(null);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setIssues([]);
    if (json.trim() === "") return setError("Paste the exported JSON or choose a file.");
    try {
      JSON.parse(json);
    } catch (caught) {
      return setError(
        `This is not valid JSON (${caught instanceof Error ? caught.message : String(caught)}); nothing was imported.`,
      );
    }
    setPending(true);
    setError(null);
    try {
      onImported(await importing.mutateAsync({ json }));
    } catch (caught) {
      const apiError = toApiError(caught);
      setError(`Not imported: ${apiError.message}`);
      setIssues(apiError.issues);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="import-title" noValidate>
      <h2 id="import-title" className="panel__title">
        Import a workflow
      </h2>
      <div className={styles.importBox}>
        <div className="field">
          <label className="field__label" htmlFor="import-file">
            From a file
          </label>
          <input
            id="import-file"
            type="file"
            accept="application/json,.json"
            onChange={(event) => void readFile(event.target.files?.[0])}
          />
        </div>
        <div className={error ? "field field--invalid" : "field"}>
          <label className="field__label" htmlFor="import-json">
            Or paste the JSON
          </label>
          <textarea
            id="import-json"
            rows={8}
            spellCheck={false}
            value={json}
            aria-invalid={error ? true : undefined}
            onChange={(event) => setJson(event.target.value)}
            placeholder='{"format": "docket.workflow", …}'
          />
          {error ? (
            <p className="field__error" role="alert" data-testid="import-error">
              {error}
            </p>
          ) : null}
          {issues.length > 0 ? (
            <ul className="field__error">
              {issues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  <code>{issue.path}</code> {issue.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={pending}>
            {pending ? "Importing…" : "Import"}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}
