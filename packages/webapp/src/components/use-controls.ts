import { type LiveStatusV1, parseLiveStatus } from "@live-status/contract";
import * as React from "react";
import {
  type ControlAction,
  type ControlsView,
  controlsView,
  controlText,
  isSuperseded,
  type PostLike,
  type Pressed,
} from "../controls.ts";
import type { ControlHost } from "../host.ts";

/**
 * The buttons of one box and what a press does. While the box runs it watches the page's posts for
 * a newer box of the same session in the same conversation. A press checks the server first — the
 * box still running, the approval still waiting, no newer box — and only then posts the command as
 * the person who clicked, into the box's own channel and thread.
 */
export function useControls(
  host: ControlHost | undefined,
  post: PostLike,
  status: LiveStatusV1 | null,
): { view: ControlsView; onPress: (action: ControlAction) => void } {
  const running = status?.state === "running";
  const [pressed, setPressed] = React.useState<Pressed>();
  const [overtaken, setOvertaken] = React.useState(false);
  const [superseded, setSuperseded] = React.useState(() =>
    host && running ? isSuperseded(post, host.loadedPosts()) : false,
  );

  const watching = Boolean(host && running && !superseded);
  React.useEffect(() => {
    if (!host || !watching) return undefined;
    let checked: PostLike[] | undefined;
    const check = () => {
      const posts = host.loadedPosts();
      if (posts === checked) return; // the store changed, its posts did not
      checked = posts;
      if (isSuperseded(post, posts)) setSuperseded(true);
    };
    check();
    return host.subscribe(check);
  }, [host, watching, post]);

  const onPress = React.useCallback(
    (action: ControlAction) => {
      if (!host || !post.id || !post.channel_id || !post.user_id) return;
      const { id, channel_id: channelId, user_id: botId } = post;
      setPressed({ action, phase: "sending" });
      (async () => {
        const fresh = await host.getPost(id);
        const now = parseLiveStatus((fresh.props as { live_status?: unknown } | undefined)?.live_status);
        const stale = now?.state !== "running" || (fresh.delete_at ?? 0) > 0;
        const since = post.create_at ?? fresh.create_at ?? 0;
        if (stale || isSuperseded({ ...post, ...fresh }, await host.postsSince(channelId, since))) {
          setOvertaken(true);
          setPressed(undefined);
          return;
        }
        if (action.kind === "approve" && now.waiting?.approvalId !== action.approvalId) {
          setPressed(undefined);
          return;
        }
        const message = controlText(action, await host.username(botId));
        await host.createPost({ channel_id: channelId, root_id: post.root_id ?? "", message });
        setPressed({ action, phase: "sent" });
      })().catch((error: unknown) => {
        setPressed({
          action,
          phase: "failed",
          reason: error instanceof Error ? error.message : String(error),
        });
      });
    },
    [host, post],
  );

  if (!host || !status) return { view: {}, onPress };
  return { view: controlsView(status, superseded || overtaken, pressed, host.signedIn()), onPress };
}
