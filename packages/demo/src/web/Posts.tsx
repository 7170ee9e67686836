import * as React from "react";
import type { ViewPost } from "../demo-state.ts";
import type { WorldUser } from "../world.ts";
import { Markdown } from "./Markdown.tsx";
import type { PostTypeComponent } from "./plugins.ts";
import type { Theme } from "./themes.ts";
import { avatarColour, clockTime, type ListItem } from "./view-model.ts";

export interface PostContext {
  users: ReadonlyMap<string, WorldUser>;
  usernames: ReadonlySet<string>;
  postTypes: ReadonlyMap<string, PostTypeComponent>;
  theme: Theme;
  /** Posts that were there when the page loaded do not play the arrival animation. */
  initialIds: ReadonlySet<string>;
}

/** Mattermost shows a plugin's post type component in place of the message; a crash shows the text. */
class PluginBoundary extends React.Component<
  { fallback: React.ReactNode; children: React.ReactNode },
  { failed: boolean }
> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): React.ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

export function Avatar({
  user,
  size = 36,
}: {
  user: WorldUser | undefined;
  size?: number;
}): React.ReactElement {
  const name = user?.username ?? "?";
  return (
    <span
      className={user?.isBot ? "avatar avatar--bot" : "avatar"}
      style={{ width: size, height: size, background: user?.isBot ? undefined : avatarColour(name) }}
      aria-hidden="true"
    >
      {user?.isBot ? "OC" : name.slice(0, 1).toUpperCase()}
    </span>
  );
}

function Body({
  post,
  ctx,
  inRhs,
}: {
  post: ViewPost;
  ctx: PostContext;
  inRhs: boolean;
}): React.ReactElement {
  const text = <Markdown text={post.message} usernames={ctx.usernames} />;
  const Component = post.type ? ctx.postTypes.get(post.type) : undefined;
  if (!Component) return text;
  return (
    <PluginBoundary fallback={text}>
      <Component
        post={{ id: post.id, message: post.message, type: post.type, props: post.props }}
        theme={ctx.theme}
        isRHS={inRhs}
        compactDisplay={false}
      />
    </PluginBoundary>
  );
}

function Post({
  item,
  ctx,
  inRhs,
  onOpenThread,
}: {
  item: ListItem;
  ctx: PostContext;
  inRhs: boolean;
  onOpenThread?: (rootId: string) => void;
}): React.ReactElement {
  const { post } = item;
  const user = ctx.users.get(post.user_id);
  const classes = ["post"];
  if (item.continuation) classes.push("post--same-user");
  if (post.type) classes.push("post--custom");
  if (item.leaving) classes.push("post--leaving");
  else if (!ctx.initialIds.has(post.id)) classes.push("post--new");
  const edited = post.edit_at > 0 && !post.type;
  return (
    <li className={classes.join(" ")} data-post-id={post.id} data-post-type={post.type || "text"}>
      <div className="post__gutter">
        {item.continuation ? (
          <time className="post__hover-time">{clockTime(post.create_at)}</time>
        ) : (
          <Avatar user={user} />
        )}
      </div>
      <div className="post__main">
        {item.continuation ? null : (
          <div className="post__header">
            <span className="post__author">{user?.username ?? "someone"}</span>
            {user?.isBot ? <span className="bot-tag">BOT</span> : null}
            <time className="post__time">{clockTime(post.create_at)}</time>
          </div>
        )}
        <div className="post__body">
          <Body post={post} ctx={ctx} inRhs={inRhs} />
          {edited ? <span className="post__edited">Edited</span> : null}
        </div>
        {item.replies > 0 && onOpenThread ? (
          <button type="button" className="post__replies" onClick={() => onOpenThread(post.id)}>
            <ReplyIcon />
            {item.replies} {item.replies === 1 ? "reply" : "replies"}
          </button>
        ) : null}
      </div>
    </li>
  );
}

function ReplyIcon(): React.ReactElement {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
      <path
        fill="currentColor"
        d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2Zm2 2v11.2L7.2 16H20V6H6Z"
      />
    </svg>
  );
}

/**
 * A scrolling list of posts that stays pinned to the newest one, like a chat: new posts scroll into
 * view unless the reader scrolled up. Give it a `key` per conversation so each one starts pinned.
 */
export function PostList({
  items,
  ctx,
  inRhs,
  label,
  onOpenThread,
  children,
}: {
  items: ListItem[];
  ctx: PostContext;
  inRhs: boolean;
  label: string;
  onOpenThread?: (rootId: string) => void;
  children?: React.ReactNode;
}): React.ReactElement {
  const scroller = React.useRef<HTMLDivElement>(null);
  const pinned = React.useRef(true);
  // Box edits change heights too: keep the bottom in view after every render while pinned.
  React.useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  });
  const onScroll = () => {
    const el = scroller.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };
  return (
    <div className="post-list" ref={scroller} onScroll={onScroll}>
      {children}
      <ul aria-label={label}>
        {items.map((item) => (
          <Post
            key={item.post.id}
            item={item}
            ctx={ctx}
            inRhs={inRhs}
            {...(onOpenThread && { onOpenThread })}
          />
        ))}
      </ul>
    </div>
  );
}
