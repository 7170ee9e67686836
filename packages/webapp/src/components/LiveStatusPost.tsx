import * as React from "react";
import { type PostLike, planView } from "../controls.ts";
import type { ControlHost } from "../host.ts";
import { readLiveStatus } from "../read-live-status.ts";
import { themeVars, toneColor } from "../theme.ts";
import {
  DEFAULT_MAX_TOOLS,
  type StatusView,
  type SubagentRowView,
  type ToolRowView,
  toViewState,
  type UnreadableView,
} from "../view-state.ts";
import { Controls, PlanList } from "./Controls.tsx";
import { Icon } from "./Icon.tsx";
import { ensureStyles } from "./styles.ts";
import { useControls } from "./use-controls.ts";

/** What Mattermost passes to a post type component (see `registerPostTypeComponent`). */
export interface LiveStatusPostProps {
  post: PostLike & { message?: string };
  theme?: unknown;
  isRHS?: boolean;
  compactDisplay?: boolean;
  /** The page's store and API; without it the box draws no buttons. */
  host?: ControlHost;
}

/** The post type component bound to the page's store and API, so its box can draw buttons. */
export function createLiveStatusPost(host: ControlHost): React.ComponentType<LiveStatusPostProps> {
  // biome-ignore lint/correctness/noComponentHookFactories: made once, when the plugin registers.
  return function BoundLiveStatusPost(props: LiveStatusPostProps): React.ReactElement {
    return <LiveStatusPost {...props} host={host} />;
  };
}

/** Tool calls shown in the right-hand sidebar or compact mode before the rest collapse. */
export const COMPACT_MAX_TOOLS = 3;

const TICK_MS = 1000;

/**
 * The status box for one `custom_live_status` post. It draws {@link toViewState}'s result and
 * owns only two bits of browser state: the clock (ticking once a second while the run is
 * running, stopped once the box is final or unmounted) and whether earlier tool calls are shown.
 */
export function LiveStatusPost({
  post,
  theme,
  isRHS,
  compactDisplay,
  host,
}: LiveStatusPostProps): React.ReactElement {
  const compact = Boolean(isRHS || compactDisplay);
  const [now, setNow] = React.useState(() => Date.now());
  const [expanded, setExpanded] = React.useState(false);
  const view = toViewState(post.props, now, { maxTools: compact ? COMPACT_MAX_TOOLS : DEFAULT_MAX_TOOLS });
  const ticking = view.kind === "status" && view.ticking;
  const read = readLiveStatus(post.props);
  const status = read.ok ? read.status : null;
  const controls = useControls(host, post, status);
  const plan = status ? planView(status) : undefined;

  React.useLayoutEffect(() => ensureStyles(document), []);
  React.useEffect(() => {
    if (!ticking) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [ticking]);

  const className = compact ? "ls-box ls-compact" : "ls-box";
  if (view.kind === "unreadable") {
    return <Unreadable view={view} message={post.message} className={className} theme={theme} />;
  }
  const style = { ...themeVars(theme), "--ls-tone": toneColor(view.tone) } as React.CSSProperties;
  return (
    <section
      className={className}
      style={style}
      aria-label={`Live status: ${view.agent}, ${view.stateLabel}`}
    >
      <Header view={view} />
      {plan || controls.view.approve || controls.view.stop ? (
        <div className="ls-body">
          {plan ? <PlanList plan={plan} /> : null}
          <Controls view={controls.view} onPress={controls.onPress} />
        </div>
      ) : null}
      <Body view={view} expanded={expanded} onToggle={() => setExpanded((e) => !e)} />
    </section>
  );
}

function Header({ view }: { view: StatusView }): React.ReactElement {
  return (
    <div className="ls-head">
      <Icon name={view.icon} tone={view.tone} />
      <span className="ls-agent">{view.agent}</span>
      <span className="ls-state">{view.stateLabel}</span>
      {view.activity ? <span className="ls-activity">· {view.activity}</span> : null}
      {view.elapsed ? (
        <span className="ls-elapsed" title={view.final ? "Duration" : "Elapsed"}>
          {view.elapsed}
        </span>
      ) : null}
    </div>
  );
}

interface BodyProps {
  view: StatusView;
  expanded: boolean;
  onToggle: () => void;
}

function Body({ view, expanded, onToggle }: BodyProps): React.ReactElement | null {
  const { tools } = view;
  const hasTools = tools.recent.length > 0 || tools.omittedNote !== undefined;
  const footer = [tools.summary, view.tokens ? `${view.tokens} tokens` : undefined].filter(Boolean);
  if (!view.note && !view.error && !hasTools && view.subagents.length === 0 && !view.preview) return null;
  const shown = expanded ? [...tools.earlier, ...tools.recent] : tools.recent;
  const showOmitted = tools.omittedNote !== undefined && (expanded || tools.earlier.length === 0);
  return (
    <div className="ls-body">
      {view.note ? <p className="ls-note">{view.note}</p> : null}
      {view.error ? <p className="ls-error">{view.error}</p> : null}
      {tools.showEarlierLabel ? (
        <button type="button" className="ls-more" aria-expanded={expanded} onClick={onToggle}>
          {expanded ? "Hide earlier" : tools.showEarlierLabel}
        </button>
      ) : null}
      {hasTools ? (
        <ul className="ls-list" aria-label="Tool calls">
          {showOmitted ? (
            <li className="ls-row">
              <span className="ls-omitted">{tools.omittedNote}</span>
            </li>
          ) : null}
          {shown.map((row) => (
            <ToolRow key={row.key} row={row} />
          ))}
        </ul>
      ) : null}
      {view.subagents.length > 0 ? (
        <>
          <p className="ls-section-title">Sub-agents</p>
          <ul className="ls-list" aria-label="Sub-agents">
            {view.subagents.map((row) => (
              <SubagentRow key={row.key} row={row} />
            ))}
          </ul>
        </>
      ) : null}
      {view.preview ? <p className="ls-preview">{view.preview}</p> : null}
      {footer.length > 0 ? <div className="ls-foot">{footer.join(" · ")}</div> : null}
    </div>
  );
}

function ToolRow({ row }: { row: ToolRowView }): React.ReactElement {
  return (
    <li className="ls-row">
      <Icon name={row.icon} tone={row.tone} label={row.iconLabel} />
      <span className="ls-name">{row.name}</span>
      <span className="ls-detail ls-args" title={row.args}>
        {row.args ?? ""}
      </span>
      <span className="ls-dur">{row.duration}</span>
      {row.error ? <span className="ls-row-error">{row.error}</span> : null}
    </li>
  );
}

function SubagentRow({ row }: { row: SubagentRowView }): React.ReactElement {
  const detail = [row.stateLabel, row.tools, row.currentTool ? `now ${row.currentTool}` : undefined]
    .filter(Boolean)
    .join(" · ");
  return (
    <li className="ls-row">
      <Icon name={row.icon} tone={row.tone} />
      <span className="ls-name ls-label">{row.label}</span>
      <span className="ls-detail">{detail}</span>
      <span className="ls-dur">{row.duration}</span>
    </li>
  );
}

interface UnreadableProps {
  view: UnreadableView;
  message: string | undefined;
  className: string;
  theme: unknown;
}

// Shows why the box cannot be drawn and falls back to the post's plain-text summary.
function Unreadable({ view, message, className, theme }: UnreadableProps): React.ReactElement {
  const style = { ...themeVars(theme), "--ls-tone": toneColor("muted") } as React.CSSProperties;
  return (
    <section className={className} style={style} aria-label={`Live status: ${view.title}`}>
      <div className="ls-head">
        <Icon name="cross" tone="muted" />
        <span className="ls-state">{view.title}</span>
      </div>
      <div className="ls-body">
        <p className="ls-note">{view.reason}</p>
        {message ? <p className="ls-fallback">{message}</p> : null}
      </div>
    </section>
  );
}
