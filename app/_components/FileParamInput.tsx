"use client";

import { useRef, useState } from "react";
import { formatNumber } from "../_lib/formatters.ts";
import { type UploadedFile, uploadFile } from "../_lib/uploadFile.ts";
import { ProgressBar } from "./ProgressBar.tsx";

interface FileParamInputProps {
  readonly common: Record<string, unknown>;
  readonly accept: string | null;
  /** The upload's id once stored, else "". */
  readonly value: string;
  readonly onChange: (uploadId: string) => void;
}

type UploadState =
  | { readonly kind: "idle" }
  | {
      readonly kind: "uploading";
      readonly name: string;
      readonly sent: number;
      readonly total: number;
    }
  | { readonly kind: "uploaded"; readonly file: UploadedFile }
  | { readonly kind: "failed"; readonly name: string; readonly message: string };

/**
 * A file parameter: the chosen file is uploaded at once (streamed to the
 * server, with progress) and the parameter holds the upload's id. Choosing
 * another file replaces it; "Remove" clears it.
 */
export function FileParamInput({ common, accept, value, onChange }: FileParamInputProps) {
  const [state, setState] = useState<UploadState>({ kind: "idle" });
  const inputRef = useRef<HTMLInputElement>(null);
  const abortRef = useRef<AbortController | null>(null);

  const choose = async (file: File | undefined) => {
    abortRef.current?.abort();
    onChange("");
    if (!file) {
      setState({ kind: "idle" });
      return;
    }
    const controller = new AbortController();
    abortRef.current = controller;
    setState({ kind: "uploading", name: file.name, sent: 0, total: file.size });
    try {
      const uploaded = await uploadFile(file, {
        signal: controller.signal,
        onProgress: (sent) =>
          setState({ kind: "uploading", name: file.name, sent, total: file.size }),
      });
      setState({ kind: "uploaded", file: uploaded });
      onChange(uploaded.id);
    } catch (error) {
      if (controller.signal.aborted) return;
      setState({
        kind: "failed",
        name: file.name,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return (
    <div className="file-param">
      <input
        {...common}
        ref={inputRef}
        type="file"
        accept={accept ?? undefined}
        onChange={(e) => void choose(e.target.files?.[0])}
      />
      {state.kind === "uploading" ? (
        <ProgressBar
          done={state.sent}
          total={state.total}
          label={`Uploading ${state.name}`}
          compact
        />
      ) : null}
      {state.kind === "uploaded" && value ? (
        <p className="file-param__status" data-testid="upload-status">
          Uploaded <strong>{state.file.name}</strong> ({formatNumber(state.file.bytes)} bytes).{" "}
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => {
              if (inputRef.current) inputRef.current.value = "";
              void choose(undefined);
            }}
          >
            Remove
          </button>
        </p>
      ) : null}
      {state.kind === "failed" ? (
        <p className="field__error" role="alert">
          Could not upload {state.name}: {state.message}
        </p>
      ) : null}
    </div>
  );
}
