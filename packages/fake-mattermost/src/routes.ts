import {
  type ApiError,
  invalidBodyParam,
  invalidParam,
  invalidUrlParam,
  PLUGINS_DISABLED,
  permissionError,
  USER_NOT_FOUND,
} from "./app-error.ts";
import { isValidId } from "./ids.ts";
import type { PathParams } from "./path-template.ts";
import { channelPosts, postThread } from "./post-lists.ts";
import { createPost, deletePost, patchPost, readablePost, updatePost } from "./posts.ts";
import type { MattermostState, Result, StoredUser } from "./state.ts";

/** What a route handler gets: the state, the authenticated caller and the parsed request. */
export interface RouteContext {
  state: MattermostState;
  actor: StoredUser;
  params: PathParams;
  query: URLSearchParams;
  body: unknown;
  deleteMissingPostStatus: 403 | 404;
}

/** A JSON answer or an API error. */
export type RouteResult = { status: number; json: unknown } | { status: number; error: ApiError };

/** One method and path template of the v4 API. */
export interface Route {
  method: string;
  template: string;
  handle(ctx: RouteContext): RouteResult;
}

function answer<T>(result: Result<T>, status = 200): RouteResult {
  return result.ok ? { status, json: result.value } : { status: result.error.status, error: result.error };
}

function param(ctx: RouteContext, name: string): string {
  return ctx.params[name] ?? "";
}

/** Runs `RequirePostId`-style URL checks before the handler. */
function withPostId(handle: (ctx: RouteContext, postId: string) => RouteResult) {
  return (ctx: RouteContext): RouteResult => {
    const postId = param(ctx, "post_id");
    if (!isValidId(postId)) return answer(fail(invalidUrlParam("post_id")));
    return handle(ctx, postId);
  };
}

function fail(error: ApiError): Result<never> {
  return { ok: false, error };
}

function getUser(ctx: RouteContext): RouteResult {
  const id = param(ctx, "user_id");
  if (id === "me") return { status: 200, json: ctx.state.userJson(ctx.actor, true) };
  if (!isValidId(id)) return answer(fail(invalidUrlParam("user_id")));
  const user = ctx.state.users.get(id);
  if (!user) return answer(fail(USER_NOT_FOUND));
  return { status: 200, json: ctx.state.userJson(user, user.id === ctx.actor.id) };
}

function getUserByName(ctx: RouteContext): RouteResult {
  const user = ctx.state.userByName(param(ctx, "username").toLowerCase());
  if (!user) return answer(fail(USER_NOT_FOUND));
  return { status: 200, json: ctx.state.userJson(user, user.id === ctx.actor.id) };
}

function publishTyping(ctx: RouteContext): RouteResult {
  const id = param(ctx, "user_id");
  if (id !== "me" && id !== ctx.actor.id) return answer(fail(permissionError(ctx.actor.id, "manage_system")));
  const body = ctx.body as { channel_id?: unknown; parent_id?: unknown } | undefined;
  if (typeof body !== "object" || body === null) return answer(fail(invalidBodyParam("typing")));
  if (typeof body.channel_id !== "string" || !isValidId(body.channel_id)) {
    return answer(fail(invalidParam("channel_id")));
  }
  const channel = ctx.state.channels.get(body.channel_id);
  if (!channel || !ctx.state.canPost(ctx.actor.id, channel)) {
    return answer(fail(permissionError(ctx.actor.id, "create_post")));
  }
  const parentId = typeof body.parent_id === "string" ? body.parent_id : "";
  ctx.state.publish("typing", channel, { parent_id: parentId, user_id: ctx.actor.id }, ctx.actor.id);
  return { status: 200, json: { status: "OK" } };
}

function createDirect(ctx: RouteContext): RouteResult {
  const ids = ctx.body;
  if (!Array.isArray(ids) || ids.length !== 2) return answer(fail(invalidParam("user_ids")));
  if (!ids.every((id) => isValidId(id))) return answer(fail(invalidParam("user_id")));
  if (!ids.includes(ctx.actor.id))
    return answer(fail(permissionError(ctx.actor.id, "create_direct_channel")));
  if (!ids.every((id) => ctx.state.users.has(id))) {
    return answer(
      fail({
        status: 400,
        id: "api.channel.create_direct_channel.invalid_user.app_error",
        message: "Invalid user ID for direct channel creation.",
      }),
    );
  }
  // 201 whether the channel is new or already existed, as the server does.
  return { status: 201, json: ctx.state.channelJson(ctx.state.directChannel(ids)) };
}

function getChannel(ctx: RouteContext): RouteResult {
  const id = param(ctx, "channel_id");
  if (!isValidId(id)) return answer(fail(invalidUrlParam("channel_id")));
  const channel = ctx.state.readableChannel(ctx.actor.id, id);
  return channel.ok ? { status: 200, json: ctx.state.channelJson(channel.value) } : answer(channel);
}

/** Any signed-in user may list the active webapp plugins (the web client loads them from it). */
function getWebappPlugins(ctx: RouteContext): RouteResult {
  const plugins = ctx.state.webappPlugins;
  if (plugins === "disabled") return { status: PLUGINS_DISABLED.status, error: PLUGINS_DISABLED };
  return {
    status: 200,
    json: plugins.map((p) => ({
      id: p.id,
      version: p.version,
      webapp: { bundle_path: `/static/plugins/${p.id}/${p.id}_bundle.js` },
    })),
  };
}

/** The v4 routes the fake serves; everything else under /api/v4 is a 404 as on the server. */
export const ROUTES: Route[] = [
  { method: "GET", template: "/api/v4/users/{user_id}", handle: getUser },
  { method: "GET", template: "/api/v4/users/username/{username}", handle: getUserByName },
  { method: "POST", template: "/api/v4/users/{user_id}/typing", handle: publishTyping },
  {
    method: "POST",
    template: "/api/v4/posts",
    handle: (ctx) => {
      const result = createPost(ctx.state, ctx.actor.id, ctx.body);
      return result.ok ? { status: 201, json: result.value.post } : answer(result);
    },
  },
  {
    method: "GET",
    template: "/api/v4/posts/{post_id}",
    handle: withPostId((ctx, id) => {
      if (ctx.query.get("include_deleted") === "true") {
        return answer(fail(permissionError(ctx.actor.id, "manage_system")));
      }
      const post = readablePost(ctx.state, ctx.actor.id, id);
      return post.ok ? { status: 200, json: ctx.state.postJson(post.value) } : answer(post);
    }),
  },
  {
    method: "PUT",
    template: "/api/v4/posts/{post_id}",
    handle: withPostId((ctx, id) => answer(updatePost(ctx.state, ctx.actor.id, id, ctx.body))),
  },
  {
    method: "DELETE",
    template: "/api/v4/posts/{post_id}",
    handle: withPostId((ctx, id) =>
      answer(deletePost(ctx.state, ctx.actor.id, id, ctx.deleteMissingPostStatus)),
    ),
  },
  {
    method: "PUT",
    template: "/api/v4/posts/{post_id}/patch",
    handle: withPostId((ctx, id) => answer(patchPost(ctx.state, ctx.actor.id, id, ctx.body))),
  },
  {
    method: "GET",
    template: "/api/v4/posts/{post_id}/thread",
    handle: withPostId((ctx, id) => answer(postThread(ctx.state, ctx.actor.id, id))),
  },
  { method: "POST", template: "/api/v4/channels/direct", handle: createDirect },
  { method: "GET", template: "/api/v4/channels/{channel_id}", handle: getChannel },
  { method: "GET", template: "/api/v4/plugins/webapp", handle: getWebappPlugins },
  {
    method: "GET",
    template: "/api/v4/channels/{channel_id}/posts",
    handle: (ctx) => answer(channelPosts(ctx.state, ctx.actor.id, param(ctx, "channel_id"), ctx.query)),
  },
];
