"use client";

import { type InstitutionsInView, institutionOptions } from "../_lib/institutions.ts";
import { Select } from "./Select.tsx";

/**
 * The network role's choice of institution: one institution's work, or every
 * institution's ("All institutions", the empty value).
 */
export function InstitutionFilter({
  id,
  institutions,
  value,
  onChange,
  visibleLabel = false,
}: {
  readonly id: string;
  readonly institutions: InstitutionsInView;
  /** An institution code, or "" for all of them. */
  readonly value: string;
  readonly onChange: (code: string) => void;
  /** Shows "Institution" beside the control (else only screen readers hear it). */
  readonly visibleLabel?: boolean;
}) {
  return (
    <div className="filter filter--institution">
      <label htmlFor={id} className={visibleLabel ? "filter__inline-label" : "visually-hidden"}>
        Institution
      </label>
      <Select
        id={id}
        value={value}
        empty="All institutions"
        options={institutionOptions(institutions)}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
