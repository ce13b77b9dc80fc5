import { formatNumber } from "../_lib/formatters.ts";

interface ProgressBarProps {
  readonly done: number;
  /** Unknown totals show a count and an indeterminate bar. */
  readonly total?: number | undefined;
  /** Names the bar for assistive technology. */
  readonly label: string;
  readonly compact?: boolean;
}

export function ProgressBar({ done, total, label, compact = false }: ProgressBarProps) {
  const known = total !== undefined && total > 0;
  const percent = known ? Math.min(100, Math.round((done / total) * 100)) : null;
  const text = known
    ? `${formatNumber(done)} / ${formatNumber(total)} (${percent}%)`
    : `${formatNumber(done)} done`;
  return (
    <div className={compact ? "progress progress--compact" : "progress"}>
      <div
        className={known ? "progress__track" : "progress__track progress__track--indeterminate"}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={known ? total : undefined}
        aria-valuenow={known ? done : undefined}
        aria-valuetext={text}
      >
        <div
          className="progress__fill"
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
      <span className="progress__text">{text}</span>
    </div>
  );
}
