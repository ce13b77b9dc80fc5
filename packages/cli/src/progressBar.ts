import { formatDuration, formatStateValue } from "./output.ts";

/** What the display shows of a run. */
export interface RunProgressState {
  readonly status: string;
  readonly stateValue: unknown;
  readonly progress: { readonly done: number; readonly total?: number } | null;
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
    if (progress) {
      if (progress.total !== undefined && progress.total > 0) {
        const ratio = Math.min(1, Math.max(0, progress.done / progress.total));
        const filled = Math.round(ratio * barWidth);
        const bar = "█".repeat(filled) + "░".repeat(barWidth - filled);
        parts.push(`${bar} ${progress.done}/${progress.total} ${Math.floor(ratio * 100)}%`);
      } else {
        parts.push(`${progress.done} done`);
      }
    }
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
