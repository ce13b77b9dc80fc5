import { formatCount, formatDuration, formatStateValue } from "./output.ts";

/** What the display shows of a run. */
export interface RunProgressState {
  readonly status: string;
  readonly stateValue?: unknown;
  readonly progress: DisplayedProgress | null;
}

/**
 * A run's progress: `done` of `total` steps, or, for a run on a set, the
 * engine's record progress, which adds failures, a rate and an ETA.
 */
export interface DisplayedProgress {
  readonly done: number;
  readonly total?: number;
  readonly failed?: number;
  readonly recordsPerSecond?: number;
  /** Null until the engine knows a rate. */
  readonly etaSeconds?: number | null;
}

const barWidth = 20;
/** Without a terminal, a line per progress change would flood logs: at most one per this interval. */
const plainProgressIntervalMs = 2_000;

/**
 * A one-line live view of a run on stderr: status, state value, a bar when the
 * run reports a total, and elapsed time. On a terminal the line is redrawn in
 * place (every second, for the clock); otherwise a line is printed per change.
 */
export class RunProgressDisplay {
  readonly #stream: NodeJS.WriteStream;
  readonly #startedAt: number;
  readonly #interactive: boolean;
  #state: RunProgressState | null = null;
  #lastPlain = { key: "", progressAt: 0 };
  #ticker: NodeJS.Timeout | null = null;
  #drawn = false;

  constructor(stream: NodeJS.WriteStream = process.stderr, startedAt = Date.now()) {
    this.#stream = stream;
    this.#startedAt = startedAt;
    this.#interactive = stream.isTTY === true && process.env.TERM !== "dumb";
    if (this.#interactive) {
      this.#ticker = setInterval(() => this.#draw(), 1_000);
      this.#ticker.unref();
    }
  }

  update(state: RunProgressState): void {
    this.#state = state;
    if (this.#interactive) {
      this.#draw();
      return;
    }
    const key = `${state.status} ${formatStateValue(state.stateValue)}`;
    const now = Date.now();
    const progressDue =
      state.progress !== null && now - this.#lastPlain.progressAt >= plainProgressIntervalMs;
    if (key !== this.#lastPlain.key || progressDue) {
      this.#lastPlain = { key, progressAt: state.progress ? now : this.#lastPlain.progressAt };
      this.#stream.write(`${this.#describe(state)}\n`);
    }
  }

  /** A line above the live one (a log line of the run). */
  print(line: string): void {
    this.#clear();
    this.#stream.write(`${line}\n`);
    this.#draw();
  }

  /** Removes the live line and stops the clock. */
  finish(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    this.#clear();
  }

  #describe(state: RunProgressState): string {
    const parts = [state.status, formatStateValue(state.stateValue)];
    const { progress } = state;
    if (progress) parts.push(...describeProgress(progress));
    parts.push(formatDuration(Date.now() - this.#startedAt));
    return parts.join("  ");
  }

  #draw(): void {
    if (!this.#interactive || !this.#state || !this.#ticker) return;
    const columns = this.#stream.columns || 80;
    const line = this.#describe(this.#state);
    this.#stream.write(
      `\r\x1b[2K${line.length >= columns ? `${line.slice(0, columns - 2)}…` : line}`,
    );
    this.#drawn = true;
  }

  #clear(): void {
    if (!this.#drawn) return;
    this.#stream.write("\r\x1b[2K");
    this.#drawn = false;
  }
}

function describeProgress(progress: DisplayedProgress): string[] {
  // Only runs on records report a rate: their counts are records, the others' are steps.
  const onRecords = progress.recordsPerSecond !== undefined;
  const unit = onRecords ? " records" : "";
  if (progress.total === undefined || progress.total <= 0) {
    return [`${formatCount(progress.done)}${unit || " done"}`];
  }
  const ratio = Math.min(1, Math.max(0, progress.done / progress.total));
  const filled = Math.round(ratio * barWidth);
  const bar = "█".repeat(filled) + "░".repeat(barWidth - filled);
  const parts = [
    `${bar} ${formatCount(progress.done)}/${formatCount(progress.total)}${unit} ${Math.floor(ratio * 100)}%`,
  ];
  // A rate of 0 means "not measured yet" (the first report of a worker), not "stalled".
  if (progress.recordsPerSecond) {
    parts.push(`${formatCount(progress.recordsPerSecond)}/s`);
    const left = progress.total - progress.done;
    if (left > 0 && progress.etaSeconds !== undefined && progress.etaSeconds !== null) {
      parts.push(`ETA ${formatDuration(Math.max(1, progress.etaSeconds) * 1000)}`);
    }
  }
  if (progress.failed) parts.push(`${formatCount(progress.failed)} failed`);
  return parts;
}
