import { type ApiError, invalidBodyParam } from "./app-error.ts";
import type { MattermostState, StoredPost } from "./state.ts";

const PROPS_MAX_RUNES = 800_000;
// Types `Post.IsValid` accepts besides "" and `custom_*` (system_* types are refused earlier for API posts).
const NON_SYSTEM_TYPES = new Set([
  "slack_attachment",
  "me",
  "reminder",
  "add_bot_teams_channels",
  "warn_metric_status",
]);

/** Code points, as Go's utf8.RuneCountInString counts them. */
export function runeCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Approximation of model.ParseHashtags: words starting with # and a letter, at least 3 characters.
export function hashtags(message: string): string {
  const tags = message.match(/(?<=^|\s)#[A-Za-z][\w.-]+/g) ?? [];
  return tags.map((t) => t.replace(/[.-]+$/, "")).join(" ");
}

/** `Post.IsValid` for the fields a client controls. */
export function validatePost(state: MattermostState, post: StoredPost): ApiError | undefined {
  if (runeCount(post.message) > state.maxPostSize) {
    return {
      status: 400,
      id: "model.post.is_valid.msg.app_error",
      message: "Invalid message.",
      detailed: `id=${post.id}`,
    };
  }
  if (post.type !== "" && !post.type.startsWith("custom_") && !NON_SYSTEM_TYPES.has(post.type)) {
    return {
      status: 400,
      id: "model.post.is_valid.type.app_error",
      message: "Invalid type.",
      detailed: `id=${post.type}`,
    };
  }
  if (runeCount(JSON.stringify(post.props)) > PROPS_MAX_RUNES) {
    return {
      status: 400,
      id: "model.post.is_valid.props.app_error",
      message: "Invalid props.",
      detailed: `id=${post.id}`,
    };
  }
  return undefined;
}

/** What Go's JSON decoding into `model.Post` refuses: fields of the wrong JSON type. */
export function checkFieldTypes(
  body: Record<string, unknown>,
  strings: string[],
  objects: string[],
  booleans: string[] = [],
): ApiError | undefined {
  for (const k of strings) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== "string") {
      return invalidBodyParam("post", `json: cannot unmarshal ${typeof body[k]} into Go struct field .${k}`);
    }
  }
  for (const k of objects) {
    if (body[k] !== undefined && body[k] !== null && !isObject(body[k])) {
      return invalidBodyParam("post", `json: cannot unmarshal into Go struct field .${k}`);
    }
  }
  for (const k of booleans) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== "boolean") {
      return invalidBodyParam("post", `json: cannot unmarshal into Go struct field .${k}`);
    }
  }
  return undefined;
}
