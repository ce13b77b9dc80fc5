import { Icon } from "../_components/Icon.tsx";

/** Back and Next under a wizard step; Next may submit the step's form. */
export function WizardNav({
  onBack,
  onNext,
  nextLabel = "Next",
  nextDisabled = false,
  nextHint,
  submit = false,
}: {
  readonly onBack?: () => void;
  readonly onNext?: () => void;
  readonly nextLabel?: string;
  readonly nextDisabled?: boolean;
  readonly nextHint?: string | undefined;
  readonly submit?: boolean;
}) {
  return (
    <div className="wizard-nav">
      {onBack ? (
        <button type="button" className="button" onClick={onBack}>
          <Icon name="arrowLeft" />
          Back
        </button>
      ) : (
        <span />
      )}
      <div className="wizard-nav__next">
        {nextHint ? <span className="muted small">{nextHint}</span> : null}
        <button
          type={submit ? "submit" : "button"}
          className="button button--primary"
          disabled={nextDisabled}
          onClick={submit ? undefined : onNext}
        >
          {nextLabel}
          <Icon name="arrowRight" />
        </button>
      </div>
    </div>
  );
}
