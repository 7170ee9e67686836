import * as React from "react";
import type { ControlAction, ControlsView, PlanView } from "../controls.ts";
import { Icon } from "./Icon.tsx";

const CONTROL_STYLES_ID = "live-status-control-styles";

// Same rules as styles.ts: colours only from the box's theme variables.
const CONTROL_STYLES = `
.ls-plan-count { color: var(--ls-muted); font-weight: 400; text-transform: none; letter-spacing: 0; }
.ls-step { grid-column: 2 / -1; min-width: 0; font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ls-step-done { color: var(--ls-muted); text-decoration: line-through; }
.ls-step-current { font-weight: 600; }
.ls-approval { margin: 0; min-width: 0; display: flex; flex-direction: column; gap: 4px; padding: 6px 8px; border: 1px solid color-mix(in srgb, var(--ls-warn) 55%, transparent); border-radius: 4px; background: color-mix(in srgb, var(--ls-warn) 8%, var(--ls-bg)); }
.ls-approval-title { margin: 0; font-size: 12px; font-weight: 600; }
.ls-approval code { font-family: var(--ls-mono); font-size: 12px; overflow-wrap: anywhere; }
.ls-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.ls-button { margin: 0; padding: 2px 10px; border: 1px solid var(--ls-line); border-radius: 4px; background: var(--ls-bg); color: var(--ls-fg); font: inherit; font-size: 12px; line-height: 18px; font-weight: 600; cursor: pointer; }
.ls-button:hover:not(:disabled), .ls-button:focus-visible { border-color: var(--ls-active); }
.ls-button:disabled { opacity: 0.6; cursor: default; }
.ls-button-primary { background: var(--ls-active); border-color: var(--ls-active); color: var(--ls-bg); }
.ls-button-danger { color: var(--ls-error); }
.ls-press-status { color: var(--ls-muted); font-size: 12px; }
`;

function ensureControlStyles(doc: Document): void {
  if (doc.getElementById(CONTROL_STYLES_ID)) return;
  const style = doc.createElement("style");
  style.id = CONTROL_STYLES_ID;
  style.textContent = CONTROL_STYLES;
  doc.head.appendChild(style);
}

export function PlanList({ plan }: { plan: PlanView }): React.ReactElement {
  return (
    <>
      <p className="ls-section-title">
        Plan <span className="ls-plan-count">· {plan.count}</span>
      </p>
      <ul className="ls-list" aria-label="Plan">
        {plan.rows.map((row) => (
          <li key={row.key} className="ls-row" aria-current={row.current ? "step" : undefined}>
            <Icon name={row.icon} tone={row.tone} label={row.iconLabel} />
            <span
              className={`ls-step${row.iconLabel === "done" ? " ls-step-done" : ""}${row.current ? " ls-step-current" : ""}`}
              title={row.step}
            >
              {row.step}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export interface ControlsProps {
  view: ControlsView;
  onPress: (action: ControlAction) => void;
}

/** The approval box and the Stop button. Draws only what {@link ControlsView} says. */
export function Controls({ view, onPress }: ControlsProps): React.ReactElement | null {
  React.useLayoutEffect(() => ensureControlStyles(document), []);
  const { approve, stop, error } = view;
  if (!approve && !stop) return null;
  return (
    <>
      {approve ? (
        <fieldset className="ls-approval" aria-label="Approval">
          <p className="ls-approval-title">
            Waiting for approval{approve.command ? ": " : ""}
            {approve.command ? <code>{approve.command}</code> : null}
          </p>
          {approve.buttons.length > 0 || approve.status ? (
            <div className="ls-actions">
              {approve.buttons.map((b) => (
                <button
                  key={b.decision}
                  type="button"
                  className={`ls-button${b.decision === "allow-once" ? " ls-button-primary" : ""}${b.decision === "deny" ? " ls-button-danger" : ""}`}
                  disabled={approve.disabled}
                  onClick={() =>
                    onPress({ kind: "approve", decision: b.decision, approvalId: approve.approvalId })
                  }
                >
                  {b.label}
                </button>
              ))}
              {approve.status ? (
                <span className="ls-press-status" role="status">
                  {approve.status}
                </span>
              ) : null}
            </div>
          ) : null}
        </fieldset>
      ) : null}
      {stop ? (
        <div className="ls-actions">
          <button
            type="button"
            className="ls-button ls-button-danger"
            disabled={stop.disabled}
            onClick={() => onPress({ kind: "stop" })}
          >
            {stop.label}
          </button>
          {error ? (
            <span className="ls-error" role="alert">
              {error}
            </span>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
