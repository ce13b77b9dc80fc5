import { useEffect, useRef } from "react";
import { FormErrorNotice } from "../_components/FormErrorNotice.tsx";
import { ParamInput } from "../_components/ParamInput.tsx";
import type { FieldErrors, ParamValue } from "../_lib/paramValues.ts";
import { schemaFields } from "../_lib/schemaFields.ts";
import type { JobDetail } from "../_lib/trpcClient.ts";
import { WizardNav } from "./WizardNav.tsx";

/**
 * Step 3: the job's parameters, each with its server-reported error under it.
 * Next asks the server's dry run; each refusal (`attempt`) focuses the first
 * invalid field, or the form's message when no field is at fault.
 */
export function ParametersStep({
  job,
  values,
  fieldErrors,
  formError,
  checking,
  attempt,
  onChange,
  onBack,
  onCheck,
}: {
  readonly job: JobDetail;
  readonly values: Readonly<Record<string, ParamValue>>;
  readonly fieldErrors: FieldErrors;
  readonly formError: string | null;
  readonly checking: boolean;
  readonly attempt: number;
  readonly onChange: (name: string, value: ParamValue) => void;
  readonly onBack: () => void;
  readonly onCheck: () => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const fields = schemaFields(job.paramsSchema);

  useEffect(() => {
    if (attempt === 0) return;
    const form = formRef.current;
    (
      form?.querySelector<HTMLElement>("[aria-invalid='true']") ??
      form?.querySelector<HTMLElement>("[role='alert']")
    )?.focus();
  }, [attempt]);

  return (
    <form
      ref={formRef}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onCheck();
      }}
    >
      <section className="panel" aria-labelledby="params-step">
        <div className="panel__header">
          <h2 id="params-step" className="panel__title">
            Parameters of {job.title}
          </h2>
          <span className="muted small">Checked by the server against the job's schema</span>
        </div>
        <FormErrorNotice message={formError} />
        {fields.length === 0 ? (
          <p className="muted">This job takes no parameters.</p>
        ) : (
          <div className="form form--grid">
            {fields.map((field) => (
              <ParamInput
                key={field.name}
                field={field}
                value={values[field.name] ?? ""}
                error={fieldErrors[field.name]}
                onChange={(value) => onChange(field.name, value)}
              />
            ))}
          </div>
        )}
      </section>
      <WizardNav
        onBack={onBack}
        nextLabel={checking ? "Checking…" : "Next"}
        nextDisabled={checking}
        submit
      />
    </form>
  );
}
