import type { ComponentProps } from "react";

/** One choice of a `Select`: the value it sets and the text it shows. */
export interface SelectOption {
  readonly value: string | number;
  readonly label: string;
}

/** Choices shown under a heading (an `<optgroup>`). */
export interface SelectGroup {
  readonly group: string;
  readonly options: readonly SelectOption[];
}

/**
 * A `<select>` of `options` (or groups of them), led by the empty choice
 * (value "") labelled `empty` when one is given. Every other prop (id, value,
 * onChange, disabled, aria-*) goes to the `<select>`, so it fits a `Field`'s
 * control.
 *
 * @example
 * <Select {...control} value={status} empty="All statuses" options={statuses}
 *   onChange={(e) => setStatus(e.target.value)} />
 */
export function Select({
  empty,
  options,
  ...select
}: Omit<ComponentProps<"select">, "children"> & {
  readonly empty?: string;
  readonly options: readonly (SelectOption | SelectGroup)[];
}) {
  return (
    <select {...select}>
      {empty === undefined ? null : <option value="">{empty}</option>}
      {options.map((option) =>
        "group" in option ? (
          <optgroup key={option.group} label={option.group}>
            {option.options.map(renderOption)}
          </optgroup>
        ) : (
          renderOption(option)
        ),
      )}
    </select>
  );
}

function renderOption(option: SelectOption) {
  return (
    <option key={option.value} value={option.value}>
      {option.label}
    </option>
  );
}
