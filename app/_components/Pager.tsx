"use client";

import { useState } from "react";
import { Icon } from "./Icon.tsx";

/**
 * Keyset pagination state: the cursors of the pages read so far, so Previous
 * goes back without offsets. `cursor` is the current page's (undefined = first).
 */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: (string | undefined)[] }>({
    key: resetKey,
    stack: [undefined],
  });
  // New filters start again from the first page.
  const stack = state.key === resetKey ? state.stack : [undefined];
  return {
    cursor: stack.at(-1),
    page: stack.length,
    next: (nextCursor: string) => setState({ key: resetKey, stack: [...stack, nextCursor] }),
    previous: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
  };
}

interface PagerProps {
  readonly page: number;
  readonly nextCursor: string | null | undefined;
  readonly onNext: (cursor: string) => void;
  readonly onPrevious: () => void;
  /** What is paged, for the screen-reader label ("runs", "members"). */
  readonly noun: string;
}

export function Pager({ page, nextCursor, onNext, onPrevious, noun }: PagerProps) {
  if (page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <button
        type="button"
        className="button button--small"
        disabled={page === 1}
        onClick={onPrevious}
      >
        <Icon name="arrowLeft" />
        Previous
      </button>
      <span className="muted small">Page {page}</span>
      <button
        type="button"
        className="button button--small"
        disabled={!nextCursor}
        onClick={() => nextCursor && onNext(nextCursor)}
      >
        Next
        <Icon name="arrowRight" />
      </button>
    </nav>
  );
}
