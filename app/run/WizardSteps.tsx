export const wizardSteps = ["Job", "Set", "Parameters", "Review"] as const;
export type WizardStep = (typeof wizardSteps)[number];

/** Where the reader is in the wizard; steps already done can be revisited. */
export function WizardSteps({
  current,
  skipped,
  onSelect,
}: {
  readonly current: WizardStep;
  readonly skipped: readonly WizardStep[];
  readonly onSelect: (step: WizardStep) => void;
}) {
  const currentIndex = wizardSteps.indexOf(current);
  return (
    <ol className="steps" aria-label="Steps">
      {wizardSteps.map((step, index) => {
        const state = index < currentIndex ? "done" : index === currentIndex ? "current" : "todo";
        const isSkipped = skipped.includes(step);
        return (
          <li
            key={step}
            className={`steps__item steps__item--${state}${isSkipped ? " steps__item--skipped" : ""}`}
          >
            {state === "done" && !isSkipped ? (
              <button type="button" className="steps__button" onClick={() => onSelect(step)}>
                <span className="steps__number">{index + 1}</span>
                {step}
              </button>
            ) : (
              <span
                className="steps__button"
                aria-current={state === "current" ? "step" : undefined}
              >
                <span className="steps__number">{index + 1}</span>
                {step}
                {isSkipped ? <span className="visually-hidden"> (not needed)</span> : null}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
