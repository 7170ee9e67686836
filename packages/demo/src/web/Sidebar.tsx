import * as React from "react";
import type { WorldChannel } from "../world.ts";

export interface SidebarProps {
  team: string;
  channels: WorldChannel[];
  activeId: string | undefined;
  /** New posts per channel since it was last open. */
  unread: ReadonlyMap<string, number>;
  onOpen: (channelId: string) => void;
}

function Item({
  channel,
  active,
  unread,
  onOpen,
}: {
  channel: WorldChannel;
  active: boolean;
  unread: number;
  onOpen: (id: string) => void;
}): React.ReactElement {
  const classes = ["sidebar__item"];
  if (active) classes.push("sidebar__item--active");
  if (unread > 0) classes.push("sidebar__item--unread");
  return (
    <li>
      <button
        type="button"
        className={classes.join(" ")}
        onClick={() => onOpen(channel.id)}
        aria-current={active ? "page" : undefined}
        data-channel={channel.name}
      >
        {channel.kind === "dm" ? (
          <span className="sidebar__status" aria-hidden="true" />
        ) : (
          <span className="sidebar__hash" aria-hidden="true">
            #
          </span>
        )}
        <span className="sidebar__name">{channel.kind === "dm" ? channel.with : channel.displayName}</span>
        {unread > 0 && channel.kind === "dm" ? <span className="sidebar__badge">{unread}</span> : null}
      </button>
    </li>
  );
}

/** The channel sidebar: team name, channels, then the bot's direct messages. */
export function Sidebar({ team, channels, activeId, unread, onOpen }: SidebarProps): React.ReactElement {
  const section = (title: string, kind: WorldChannel["kind"]) => (
    <section className="sidebar__section">
      <h2>{title}</h2>
      <ul>
        {channels
          .filter((c) => c.kind === kind)
          .map((c) => (
            <Item
              key={c.id}
              channel={c}
              active={c.id === activeId}
              unread={unread.get(c.id) ?? 0}
              onOpen={onOpen}
            />
          ))}
      </ul>
    </section>
  );
  return (
    <nav className="sidebar" aria-label="Channels">
      <header className="sidebar__header">
        <span className="sidebar__team">{team}</span>
        <span className="sidebar__sub">Live Status demo</span>
      </header>
      {section("CHANNELS", "channel")}
      {section("DIRECT MESSAGES", "dm")}
    </nav>
  );
}
