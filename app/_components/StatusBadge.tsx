import { statusLabel, statusMeaning } from "../_lib/runStatus.ts";
import type { RunStatusName } from "../_lib/trpcClient.ts";

/** A run's status as a coloured pill; the colour groups statuses (waiting, active, ended well, ended badly). */
export function StatusBadge({ status }: { readonly status: RunStatusName }) {
  return (
    <span className={`badge badge--${status}`} title={statusMeaning(status)}>
      {statusLabel(status)}
    </span>
  );
}
