"use client";

import { useState } from "react";
import styles from "./schedules.module.css";

interface ActiveSwitchProps {
  readonly active: boolean;
  /** Accessible name, e.g. "Active: Nightly export". */
  readonly label: string;
  readonly disabled?: boolean;
  /** May be async: the switch is busy until it settles. */
  readonly onChange: (active: boolean) => void | Promise<void>;
}

/** An on/off switch (`role="switch"`) for a schedule's active flag. */
export function ActiveSwitch({ active, label, disabled = false, onChange }: ActiveSwitchProps) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      role="switch"
      aria-checked={active}
      aria-label={label}
      aria-busy={busy || undefined}
      disabled={disabled || busy}
      className={`${styles.switch} ${active ? styles.switchOn : ""}`}
      title={disabled ? "Only admins change schedules" : active ? "Deactivate" : "Activate"}
      onClick={async () => {
        setBusy(true);
        try {
          await onChange(!active);
        } finally {
          setBusy(false);
        }
      }}
    >
      <span className={styles.switchKnob} aria-hidden="true" />
      <span className={styles.switchText} aria-hidden="true">
        {active ? "On" : "Off"}
      </span>
    </button>
  );
}
