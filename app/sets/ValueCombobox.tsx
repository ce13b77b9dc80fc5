"use client";

import type { TargetKind } from "@docket/sdk/vocabulary";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type KeyboardEvent, useEffect, useId, useState } from "react";
import { formatNumber } from "../_lib/formatters.ts";
import { useTRPC } from "../_lib/trpcClient.ts";
import styles from "./valueCombobox.module.css";

/** How many suggestions the list shows. */
const shownValues = 8;

/**
 * A condition's value, typed or chosen from the values the field holds in the
 * catalog, each with how many records hold it (`sets.fieldValues`): an ARIA
 * combobox (arrows move, Enter chooses, Escape closes). With `list`, the value
 * is comma-separated and suggestions complete the last entry.
 */
export function ValueCombobox({
  id,
  target,
  field,
  value,
  onChange,
  list = false,
  placeholder,
  invalid,
  describedBy,
  onEditing,
}: {
  readonly id: string;
  readonly target: TargetKind;
  readonly field: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly list?: boolean;
  readonly placeholder?: string;
  readonly invalid?: boolean;
  readonly describedBy?: string;
  /** Told when the reader starts and stops typing here (focus and blur). */
  readonly onEditing?: (editing: boolean) => void;
}) {
  const trpc = useTRPC();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const head = list ? value.slice(0, value.lastIndexOf(",") + 1) : "";
  const entry = (list ? value.slice(head.length) : value).trim();
  const prefix = useSettled(entry, 200);
  const { data } = useQuery(
    trpc.sets.fieldValues.queryOptions(
      { target, field, prefix, limit: shownValues },
      { enabled: open, placeholderData: keepPreviousData, staleTime: 30_000 },
    ),
  );
  const options = data?.values ?? [];
  const expanded = open && options.length > 0;

  const choose = (chosen: string) => {
    onChange(list ? `${head}${head ? " " : ""}${chosen}, ` : chosen);
    setActive(-1);
    if (!list) setOpen(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setOpen(true);
      setActive((index) => Math.min(options.length - 1, index + 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((index) => Math.max(-1, index - 1));
    } else if (event.key === "Enter" && expanded && active >= 0) {
      event.preventDefault();
      const option = options[active];
      if (option) choose(option.value);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  return (
    <div className={styles.combobox}>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        placeholder={placeholder}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => {
          setOpen(true);
          onEditing?.(true);
        }}
        onBlur={() => {
          setOpen(false);
          onEditing?.(false);
        }}
        onKeyDown={onKeyDown}
      />
      {expanded ? (
        <div
          id={listId}
          role="listbox"
          className={styles.listbox}
          aria-label="Values in the catalog"
        >
          {options.map((option, index) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard chooses from the input (arrows, Enter), as comboboxes do
            <div
              key={option.value}
              id={`${listId}-${index}`}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              className={styles.option}
              // Chosen before the input's blur closes the list.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(option.value)}
            >
              <span className={styles.optionValue}>{option.value}</span>
              <span className={styles.optionCount}>
                {formatNumber(option.count)}
                <span className="visually-hidden"> records</span>
              </span>
            </div>
          ))}
          {data?.more ? (
            <p className={styles.more} aria-hidden="true">
              Type to narrow the list
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** `value` once it has stayed the same for `delayMs`: suggestions follow typing without a query per key. */
function useSettled(value: string, delayMs: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
