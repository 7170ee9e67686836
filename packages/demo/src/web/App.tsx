import * as React from "react";
import type { DemoState, PlayProgress } from "../demo-state.ts";
import type { WorldChannel } from "../world.ts";
import { Avatar, type PostContext, PostList } from "./Posts.tsx";
import type { PostTypeComponent } from "./plugins.ts";
import { RemoteDialog } from "./RemoteDialog.tsx";
import { Sidebar } from "./Sidebar.tsx";
import { pageVars, THEMES, type ThemeName } from "./themes.ts";
import { channelItems, countsByChannel, mergeShown, type ShownPost, threadItems } from "./view-model.ts";

const POLL_MS = 400;
const FADE_MS = 1200;

interface View {
  channelId?: string;
  rootId?: string;
}

/** Polls the demo's state; `offline` once the demo stops answering. */
function useDemoState(): { state: DemoState | null; offline: boolean } {
  const [state, setState] = React.useState<DemoState | null>(null);
  const [offline, setOffline] = React.useState(false);
  React.useEffect(() => {
    let stop = false;
    let last = "";
    const tick = async () => {
      try {
        const res = await fetch("/demo/api/state", { cache: "no-store" });
        const text = await res.text();
        if (stop) return;
        setOffline(!res.ok);
        // Unchanged state: no render, so nothing flickers.
        if (res.ok && text !== last) {
          last = text;
          setState(JSON.parse(text) as DemoState);
        }
      } catch {
        if (!stop) setOffline(true);
      }
    };
    tick();
    const timer = setInterval(tick, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);
  return { state, offline };
}

function savedTheme(): ThemeName {
  try {
    return localStorage.getItem("live-status-demo-theme") === "dark" ? "dark" : "light";
  } catch {
    return "light";
  }
}

function Narration({
  play,
  onPlayAgain,
}: {
  play: PlayProgress;
  onPlayAgain: () => void;
}): React.ReactElement {
  if (play.phase === "waiting")
    return (
      <div className="narration" role="status">
        <strong>Starting the scene…</strong>
      </div>
    );
  const turn = play.turn;
  const finished = play.phase === "done" || play.phase === "stopped";
  return (
    <div className={finished ? "narration narration--done" : "narration"} role="status">
      <div className="narration__text">
        {play.phase === "stopped" ? (
          <strong>The demo was stopped. Every box ended in its final state.</strong>
        ) : finished ? (
          <strong>The scene has finished. Every box ended in its final state.</strong>
        ) : turn ? (
          <>
            <span className="narration__step">
              Turn {turn.index + 1} of {turn.total}
            </span>
            <strong>{turn.title}</strong>
            <span className="narration__caption">{turn.caption}</span>
          </>
        ) : null}
      </div>
      {finished ? (
        <button type="button" className="button button--small" onClick={onPlayAgain}>
          Play again
        </button>
      ) : null}
    </div>
  );
}

function ChannelTitle({ channel }: { channel: WorldChannel | undefined }): React.ReactElement {
  if (!channel) return <h1 className="channel-header__name">…</h1>;
  return (
    <div className="channel-header__title">
      <h1 className="channel-header__name">
        {channel.kind === "dm" ? channel.with : channel.displayName}
        {channel.kind === "dm" ? (
          <span className="channel-header__tag">direct message with the bot</span>
        ) : null}
      </h1>
      {channel.purpose ? <p className="channel-header__purpose">{channel.purpose}</p> : null}
    </div>
  );
}

/** The Mattermost-like page: sidebar, channel view, thread on the right, the scene's narration. */
export function App({
  postTypes,
}: {
  postTypes: ReadonlyMap<string, PostTypeComponent>;
}): React.ReactElement {
  const { state, offline } = useDemoState();
  const [themeName, setThemeName] = React.useState<ThemeName>(savedTheme);
  const [follow, setFollow] = React.useState(true);
  const [view, setView] = React.useState<View>({});
  const [dialog, setDialog] = React.useState(false);
  const [shown, setShown] = React.useState<(ShownPost & { goneAt?: number })[]>([]);
  const initialIds = React.useRef<Set<string> | null>(null);
  const seenCounts = React.useRef(new Map<string, number>());
  const theme = THEMES[themeName];

  React.useEffect(() => {
    if (!state) return;
    initialIds.current ??= new Set(state.posts.map((p) => p.id));
    setShown((prev) => mergeShown(prev, state.posts, Date.now(), FADE_MS));
  }, [state]);

  // Following the scene: the view moves to where the current turn happens.
  const placeChannel = state?.play.turn?.place.channelId;
  const placeRoot = state?.play.turn?.place.rootId;
  React.useEffect(() => {
    if (!follow || placeChannel === undefined) return;
    setView(
      placeRoot === undefined ? { channelId: placeChannel } : { channelId: placeChannel, rootId: placeRoot },
    );
  }, [follow, placeChannel, placeRoot]);

  React.useEffect(() => {
    try {
      localStorage.setItem("live-status-demo-theme", themeName);
    } catch {
      // Private mode: the theme just is not remembered.
    }
  }, [themeName]);

  if (!state) {
    return <p className="boot">{offline ? "The demo is not running." : "Loading the Live Status demo…"}</p>;
  }

  const channelId = view.channelId ?? state.channels[0]?.id;
  const channel = state.channels.find((c) => c.id === channelId);
  // Unread: posts that arrived in a channel since it was last on screen.
  const counts = countsByChannel(state.posts);
  const seen = seenCounts.current;
  for (const c of state.channels)
    if (!seen.has(c.id) || c.id === channelId) seen.set(c.id, counts.get(c.id) ?? 0);
  const unread = new Map(
    state.channels.map((c) => [c.id, Math.max(0, (counts.get(c.id) ?? 0) - (seen.get(c.id) ?? 0))]),
  );

  const ctx: PostContext = {
    users: new Map(state.users.map((u) => [u.id, u])),
    usernames: new Set(state.users.map((u) => u.username.toLowerCase())),
    postTypes,
    theme,
    initialIds: initialIds.current ?? new Set(),
  };
  const thread = view.rootId ? threadItems(shown, view.rootId) : [];
  const manual = (next: View) => {
    setFollow(false);
    setView(next);
  };
  const playAgain = () => {
    setFollow(true);
    fetch("/demo/api/play", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    }).catch(() => undefined);
  };

  return (
    <div className={`app app--${themeName}`} style={pageVars(theme) as React.CSSProperties}>
      <div className="team-bar" aria-hidden="true">
        <span className="team-bar__team">{state.team.slice(0, 1)}</span>
      </div>
      <Sidebar
        team={state.team}
        channels={state.channels}
        activeId={channelId}
        unread={unread}
        onOpen={(id) => manual({ channelId: id })}
      />
      <main className="center">
        <header className="channel-header">
          <ChannelTitle channel={channel} />
          <div className="channel-header__actions">
            <button
              type="button"
              className={follow ? "chip chip--on" : "chip"}
              aria-pressed={follow}
              onClick={() => setFollow(!follow)}
              title="Move to wherever the scene is happening"
            >
              Follow the scene
            </button>
            <button
              type="button"
              className="chip"
              onClick={() => setThemeName(themeName === "light" ? "dark" : "light")}
              aria-label={`Switch to the ${themeName === "light" ? "dark" : "light"} theme`}
            >
              {themeName === "light" ? "Dark theme" : "Light theme"}
            </button>
            <button type="button" className="chip" onClick={() => setDialog(true)}>
              Use your Mattermost…
            </button>
          </div>
        </header>
        {offline ? (
          <div className="narration narration--offline" role="alert">
            The demo has stopped. Start it again with <code>npm run demo</code>.
          </div>
        ) : (
          <Narration play={state.play} onPlayAgain={playAgain} />
        )}
        <PostList
          key={channelId}
          items={channelId ? channelItems(shown, channelId) : []}
          ctx={ctx}
          inRhs={false}
          label={`Messages in ${channel?.displayName ?? ""}`}
          onOpenThread={(rootId) => manual({ ...(channelId && { channelId }), rootId })}
        >
          <div className="channel-intro">
            {channel?.kind === "dm" ? (
              <Avatar user={state.users.find((u) => u.username === channel.with)} size={56} />
            ) : null}
            <h2>
              {channel?.kind === "dm"
                ? `Your direct messages with ${channel.with}`
                : `Beginning of ${channel?.displayName}`}
            </h2>
          </div>
        </PostList>
        <div className="composer" title="The scene writes the messages in this demo">
          Write to {channel?.kind === "dm" ? channel.with : channel?.displayName}
        </div>
      </main>
      {view.rootId && thread.length > 0 ? (
        <aside className="rhs" aria-label="Thread">
          <header className="rhs__header">
            <div>
              <h2>Thread</h2>
              <span className="rhs__channel">{channel?.displayName}</span>
            </div>
            <button
              type="button"
              className="icon-button"
              aria-label="Close the thread"
              onClick={() => manual(channelId ? { channelId } : {})}
            >
              ×
            </button>
          </header>
          <PostList key={view.rootId} items={thread} ctx={ctx} inRhs={true} label="Messages in the thread" />
          <div className="composer composer--rhs">Reply…</div>
        </aside>
      ) : null}
      {dialog ? <RemoteDialog onClose={() => setDialog(false)} /> : null}
    </div>
  );
}
