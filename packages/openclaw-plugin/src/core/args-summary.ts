/**
 * One-line, redacted summaries of tool arguments for the status box: the command of `exec`, the
 * path of `read`/`write`/`edit`, the query of `web_search`, otherwise a compact `key=value` list.
 */
import { isSecretKey, REDACTED } from "./redaction/index.ts";
import { headWindow, oneLine, safeHead } from "./text.ts";

/** Longest summary, in code points. */
export const MAX_ARGS_SUMMARY = 120;

const PATH_KEYS = ["path", "file_path", "filePath", "file", "filename", "fileName"];
const COMMAND_KEYS = ["command", "cmd", "script"];

// The argument that says what a call does, by tool (names as OpenClaw and common agents use them).
const PRIMARY_KEYS: Readonly<Record<string, readonly string[]>> = {
  exec: COMMAND_KEYS,
  bash: COMMAND_KEYS,
  shell: COMMAND_KEYS,
  process: ["sessionId", "action"],
  read: PATH_KEYS,
  write: PATH_KEYS,
  edit: PATH_KEYS,
  multiedit: PATH_KEYS,
  attach: [...PATH_KEYS, "url"],
  memory_get: PATH_KEYS,
  glob: ["pattern", "path"],
  grep: ["pattern", "query"],
  web_search: ["query", "q"],
  memory_search: ["query", "q"],
  web_fetch: ["url", "targetUrl"],
  sessions_spawn: ["label", "task"],
  sessions_send: ["label", "sessionKey", "agentId"],
  sessions_history: ["sessionKey"],
};

// For any other tool: the first of these that is present, as OpenClaw's own tool display does.
const FALLBACK_KEYS = [
  "command",
  "path",
  "file_path",
  "url",
  "targetUrl",
  "query",
  "pattern",
  "target",
  "to",
  "label",
  "name",
  "task",
];

const MAX_GENERIC_FIELDS = 3;

/**
 * A short (≤ {@link MAX_ARGS_SUMMARY} code points), one-line, redacted summary of a tool call's
 * arguments, or `undefined` when there is nothing worth showing. `args` may be anything (an
 * object, a JSON string, a bare command string, a cycle); this never throws.
 */
export function summarizeArgs(
  toolName: string,
  args: unknown,
  extra: readonly RegExp[] = [],
): string | undefined {
  try {
    const raw = describe(String(toolName).toLowerCase(), parseMaybeJson(args));
    if (raw === undefined) return undefined;
    const summary = safeHead(raw, MAX_ARGS_SUMMARY, extra);
    return summary.length > 0 ? summary : undefined;
  } catch {
    return undefined;
  }
}

function parseMaybeJson(args: unknown): unknown {
  if (typeof args !== "string") return args;
  const t = args.trim();
  if (t.length > 100_000 || !/^[{[]/.test(t)) return args;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return args;
  }
}

function describe(tool: string, args: unknown): string | undefined {
  if (args === null || args === undefined) return undefined;
  if (typeof args !== "object") return scalar(args);
  if (Array.isArray(args)) return joinScalars(args);
  const obj = args as Record<string, unknown>;
  if (tool === "apply_patch") {
    const files = patchFiles(obj);
    if (files !== undefined) return files;
  }
  const action = typeof obj.action === "string" ? obj.action : undefined;
  const detail = pick(obj, PRIMARY_KEYS[tool] ?? FALLBACK_KEYS);
  if (detail !== undefined) return action !== undefined && detail !== action ? `${action} ${detail}` : detail;
  if (action !== undefined) return action;
  return keyValues(obj);
}

function pick(obj: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    if (!Object.hasOwn(obj, key)) continue;
    const v = obj[key];
    const s = Array.isArray(v) ? joinScalars(v) : scalar(v);
    // No key listed here names a secret; the summary as a whole is redacted afterwards.
    if (s !== undefined && s.trim().length > 0) return s;
  }
  return undefined;
}

// Strings are bounded here so a megabyte argument costs no more than a short one.
function scalar(v: unknown): string | undefined {
  if (typeof v === "string") return headWindow(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return undefined;
}

function joinScalars(values: readonly unknown[]): string | undefined {
  const parts: string[] = [];
  for (const v of values.slice(0, 50)) {
    const s = scalar(v);
    if (s !== undefined) parts.push(s);
  }
  return parts.length > 0 ? parts.join(" ") : undefined;
}

// `*** Update File: src/a.ts` lines of an OpenClaw/Codex patch.
function patchFiles(obj: Record<string, unknown>): string | undefined {
  const patch = [obj.input, obj.patch].find((v) => typeof v === "string");
  if (typeof patch !== "string") return undefined;
  const files = Array.from(
    patch.slice(0, 50_000).matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm),
    (m) => m[1]?.trim() ?? "",
  ).filter((f) => f.length > 0);
  return files.length > 0 ? files.join(", ") : undefined;
}

function keyValues(obj: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const key of Object.keys(obj)) {
    if (parts.length === MAX_GENERIC_FIELDS) break;
    const s = scalar(obj[key]);
    if (s === undefined || s.trim().length === 0) continue;
    const value = isSecretKey(key) ? REDACTED : oneLine(s);
    parts.push(`${key}=${/\s/.test(value) ? `"${value}"` : value}`);
  }
  return parts.length > 0 ? parts.join(" ") : undefined;
}
