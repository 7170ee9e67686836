/**
 * What the box's buttons need from the Mattermost page: the posts it has loaded (its Redux store,
 * handed to the plugin's `initialize`) and the REST API as the signed-in person. Requests go the way
 * Mattermost's own web client (`Client4`) sends them: the session cookie, `X-Requested-With:
 * XMLHttpRequest` and the `MMCSRF` cookie's token as `X-CSRF-Token`, under the site's sub-path.
 */
import type { PostLike } from "./controls.ts";

/** The slice of Mattermost's Redux store the plugin reads. */
export interface HostStore {
  getState(): unknown;
  subscribe(listener: () => void): () => void;
}

export interface ControlHost {
  /**
   * Whether the page has a signed-in person (the store's `entities.users.currentUserId`, which
   * Mattermost sets before it loads plugins). Without one a press could send nothing, so the box
   * draws no buttons.
   */
  signedIn(): boolean;
  /** Creates a post as the signed-in person. */
  createPost(post: { channel_id: string; root_id: string; message: string }): Promise<void>;
  /** The post as the server has it now. */
  getPost(postId: string): Promise<PostLike>;
  /** Posts of a channel created or changed since `since` (epoch ms). */
  postsSince(channelId: string, since: number): Promise<PostLike[]>;
  /** A user's username: from the page when it has it, else from the server. */
  username(userId: string): Promise<string>;
  /** Posts the page has loaded: the same array until they change. */
  loadedPosts(): PostLike[];
  /** Calls `listener` when the page's state changes; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

interface StoreShape {
  entities?: {
    posts?: { posts?: Record<string, PostLike> };
    users?: { currentUserId?: string; profiles?: Record<string, { username?: string }> };
  };
}

export interface BrowserHostOptions {
  store?: HostStore;
  /** Site sub-path, e.g. `/mattermost` (Mattermost's `window.basename`). */
  basePath?: string;
  fetch?: typeof fetch;
  /** `document.cookie`, read at each request. */
  cookies?: () => string;
}

export function browserHost(o: BrowserHostOptions = {}): ControlHost {
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const cookies = o.cookies ?? (() => document.cookie);
  const base = `${(o.basePath ?? "").replace(/\/+$/, "")}/api/v4`;
  // A host page may hand over something that is not a Redux store: then there are no loaded posts.
  const store = isStore(o.store) ? o.store : undefined;
  const state = () => (store?.getState() ?? {}) as StoreShape;
  let seen: { record: Record<string, PostLike> | undefined; list: PostLike[] } = {
    record: undefined,
    list: [],
  };

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      "X-Requested-With": "XMLHttpRequest",
      Accept: "application/json",
    };
    const csrf = cookieValue(cookies(), "MMCSRF");
    if (csrf) headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await doFetch(`${base}${path}`, {
      method,
      headers,
      credentials: "include",
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const message = (json as { message?: unknown } | undefined)?.message;
      throw new Error(`HTTP ${res.status}${typeof message === "string" ? `: ${message}` : ""}`);
    }
    return json as T;
  }

  return {
    signedIn: () => Boolean(state().entities?.users?.currentUserId),
    createPost: async (post) => {
      await call("POST", "/posts", post);
    },
    getPost: (postId) => call<PostLike>("GET", `/posts/${encodeURIComponent(postId)}`),
    postsSince: async (channelId, since) => {
      const list = await call<{ posts?: Record<string, PostLike> }>(
        "GET",
        `/channels/${encodeURIComponent(channelId)}/posts?since=${Math.floor(since)}`,
      );
      return Object.values(list?.posts ?? {});
    },
    username: async (userId) => {
      const known = state().entities?.users?.profiles?.[userId]?.username;
      if (known) return known;
      const user = await call<{ username?: string }>("GET", `/users/${encodeURIComponent(userId)}`);
      if (!user?.username) throw new Error("the bot's username is unknown");
      return user.username;
    },
    loadedPosts: () => {
      // The same array while the page's posts are unchanged, so watchers can skip the store's other updates.
      const record = state().entities?.posts?.posts;
      if (record !== seen.record) seen = { record, list: Object.values(record ?? {}) };
      return seen.list;
    },
    subscribe: (listener) => store?.subscribe(listener) ?? (() => {}),
  };
}

function isStore(x: unknown): x is HostStore {
  const s = x as Partial<HostStore> | undefined;
  return typeof s?.getState === "function" && typeof s.subscribe === "function";
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}
