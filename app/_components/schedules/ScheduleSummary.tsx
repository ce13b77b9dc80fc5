import { SchedulePreview } from "./SchedulePreview.tsx";
import styles from "./schedules.module.css";
import { describeTiming } from "./scheduleTime.ts";
import type { ScheduleForm } from "./useScheduleForm.ts";

/** The aside: the timing in words, the next runs previewed live, what runs, and Save. */
export function ScheduleSummary({ form }: { readonly form: ScheduleForm }) {
  const {
    draft,
    update,
    timing,
    preview,
    current,
    target,
    sets,
    subscribers,
    isAdmin,
    saving,
    job,
  } = form;
  const jobTitle = job.data?.title ?? current?.jobTitle ?? null;
  return (
    <aside className={styles.editorAside} aria-labelledby="next-runs-title">
      <section className="panel">
        <h2 id="next-runs-title" className="panel__title">
          Next runs
        </h2>
        <p className={styles.summary}>
          {timing ? describeTiming(timing) : "Complete the timing"}
          <span className="muted"> ({draft.timezone || "no zone"})</span>
        </p>
        <SchedulePreview
          preview={preview}
          timezone={draft.timezone}
          active={current ? current.active : draft.active}
        />
        <dl className={styles.recap}>
          <dt>Job</dt>
          <dd>{jobTitle ?? <span className="muted">not chosen</span>}</dd>
          {target ? (
            <>
              <dt>Set</dt>
              <dd>
                {(sets.data ?? []).find((set) => set.id === draft.setId)?.name ?? (
                  <span className="muted">not chosen</span>
                )}
              </dd>
            </>
          ) : null}
          <dt>Subscribers</dt>
          <dd>{subscribers.length}</dd>
        </dl>
        {!current && isAdmin ? (
          <label className={`field__checkbox ${styles.activeCheck}`}>
            <input
              type="checkbox"
              checked={draft.active}
              onChange={(event) => update({ active: event.target.checked })}
            />
            Active from now on
          </label>
        ) : null}
        {isAdmin ? (
          <button type="submit" className="button button--primary button--block" disabled={saving}>
            {saving ? "Saving…" : current ? "Save changes" : "Create schedule"}
          </button>
        ) : null}
      </section>
    </aside>
  );
}
