"use client";

import { type DragEvent, useState } from "react";
import type { JobSummary } from "../../_lib/trpcClient.ts";
import { Icon } from "../Icon.tsx";
import type { PaletteItem } from "./workflowDraft.ts";
import styles from "./workflows.module.css";

/** The drag payload's type: only the palette's own drags are dropped onto the canvas. */
export const paletteMime = "application/x-docket-workflow-node";

interface JobPaletteProps {
  readonly jobs: readonly JobSummary[] | undefined;
  /** Adds the item without dragging (keyboard users, or a click). */
  readonly onAdd: (item: PaletteItem) => void;
}

function startDrag(event: DragEvent<HTMLElement>, item: PaletteItem) {
  event.dataTransfer.setData(paletteMime, JSON.stringify(item));
  event.dataTransfer.setData("text/plain", item.kind === "job" ? item.jobId : item.kind);
  event.dataTransfer.effectAllowed = "move";
}

/** Job types by category with a search box, plus a delay and a wait for an event; drag onto the canvas. */
export function JobPalette({ jobs, onAdd }: JobPaletteProps) {
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const shown = (jobs ?? []).filter(
    (job) =>
      !needle ||
      job.title.toLowerCase().includes(needle) ||
      job.id.toLowerCase().includes(needle) ||
      job.category.toLowerCase().includes(needle),
  );
  const categories = [...new Set(shown.map((job) => job.category))].sort();

  const entry = (key: string, item: PaletteItem, title: string, detail: string) => (
    <li key={key}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drag source; its + button is the keyboard path */}
      <div
        className={styles.paletteItem}
        draggable
        onDragStart={(event) => startDrag(event, item)}
        data-testid={`palette-${key}`}
        title="Drag onto the canvas"
      >
        <span className={styles.paletteGrip} aria-hidden="true">
          ⠿
        </span>
        <span className={styles.paletteText}>
          <span className={styles.paletteTitle}>{title}</span>
          <span className={styles.paletteDetail}>{detail}</span>
        </span>
        <button
          type="button"
          className={styles.paletteAdd}
          onClick={() => onAdd(item)}
          aria-label={`Add ${title}`}
        >
          <Icon name="plus" size={14} />
        </button>
      </div>
    </li>
  );

  return (
    <aside className={styles.palette} aria-label="Steps to add">
      <h2 className={styles.sideTitle}>Add a step</h2>
      <p className={styles.sideHint}>Drag onto the canvas, or press +.</p>
      <input
        type="search"
        placeholder="Search jobs"
        aria-label="Search jobs"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div className={styles.paletteScroll}>
        <h3 className={styles.paletteCategory}>Flow</h3>
        <ul className={styles.paletteList}>
          {entry("delay", { kind: "delay" }, "Delay", "wait a while, then go on")}
          {entry("event", { kind: "event" }, "Wait for event", "go on when an event arrives")}
        </ul>
        {jobs === undefined ? <p className={styles.sideHint}>Loading jobs…</p> : null}
        {jobs && shown.length === 0 ? (
          <p className={styles.sideHint}>No job matches “{search}”.</p>
        ) : null}
        {categories.map((category) => (
          <section key={category}>
            <h3 className={styles.paletteCategory}>{category}</h3>
            <ul className={styles.paletteList}>
              {shown
                .filter((job) => job.category === category)
                .map((job) => entry(job.id, { kind: "job", jobId: job.id }, job.title, job.id))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}
