/**
 * The plugin's settings (`plugins.entries.live-status.config`): defaults, and a validator whose
 * errors name the field and say what is allowed. Pure: no I/O. The same rules are stated as JSON
 * Schema in `openclaw.plugin.json` and documented in docs/configuration.md.
 */

/** Run triggers that may get a box. Heartbeat, memory-flush and compaction runs never do. */
export const BOX_TRIGGERS = ["user", "cron", "subagent"] as const;

import { isRecord, messageOf } from "../core/guards.ts";
export type BoxTrigger = (typeof BOX_TRIGGERS)[number];

export const PREVIOUS_BOX_POLICIES = ["delete", "receipt"] as const;
export type PreviousBox = (typeof PREVIOUS_BOX_POLICIES)[number];

/** Sessions picked by conversation or agent. A channel entry is a channel id or `"dm"` (every DM). */
export interface SessionMatch {
  channels?: string[];
  agents?: string[];
}

/** Overrides of what `channels.mattermost` gives. */
export interface MattermostOverrides {
  baseUrl?: string;
  botToken?: string;
  accountId?: string;
}

export interface LiveStatusSettings {
  mattermost: MattermostOverrides;
  previousBox: PreviousBox;
  boxTriggers: BoxTrigger[];
  showToolArgs: boolean;
  /** Extra patterns, compiled. */
  redact: RegExp[];
  include: SessionMatch;
  exclude: SessionMatch;
  /** Where to append the normalized events as JSONL; none by default. */
  recordEvents?: string;
  rateLimitPerSec: number;
  minEditIntervalMs: number;
}

const DEFAULTS: LiveStatusSettings = {
  mattermost: {},
  previousBox: "delete",
  boxTriggers: ["user"],
  showToolArgs: true,
  redact: [],
  include: {},
  exclude: {},
  rateLimitPerSec: 5,
  minEditIntervalMs: 1_000,
};

/** What each setting is when not given (docs/configuration.md lists the same). */
export const DEFAULT_SETTINGS: Readonly<LiveStatusSettings> = Object.freeze(DEFAULTS);

export const RATE_LIMIT_RANGE = { min: 0.1, max: 100 } as const;
export const MIN_EDIT_INTERVAL_RANGE = { min: 200, max: 60_000 } as const;

export type SettingsResult = { ok: true; settings: LiveStatusSettings } | { ok: false; errors: string[] };

/** Every setting the plugin reads; the manifest's JSON Schema must list exactly these. */
export const KNOWN_KEYS = [
  "mattermost",
  "previousBox",
  "boxTriggers",
  "showToolArgs",
  "redact",
  "include",
  "exclude",
  "recordEvents",
  "rateLimitPerSec",
  "minEditIntervalMs",
];

const show = (x: unknown) => JSON.stringify(x) ?? String(x);

/**
 * Validates raw plugin settings. `undefined`/`null` means "no settings": every default. Every
 * problem is reported (not just the first), each naming its field, e.g.
 * `boxTriggers[1]: "heartbeat" is not allowed (use "user", "cron" or "subagent")`.
 */
export function parseSettings(raw: unknown): SettingsResult {
  if (raw === undefined || raw === null) return { ok: true, settings: defaults() };
  if (!isRecord(raw)) return { ok: false, errors: [`settings must be an object, not ${show(raw)}`] };
  const errors: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) errors.push(`${key}: unknown setting (known: ${KNOWN_KEYS.join(", ")})`);
  }
  const s = defaults();
  if (raw.mattermost !== undefined) s.mattermost = mattermost(raw.mattermost, errors);
  if (raw.previousBox !== undefined) {
    const v = raw.previousBox;
    if (typeof v === "string" && (PREVIOUS_BOX_POLICIES as readonly string[]).includes(v))
      s.previousBox = v as PreviousBox;
    else errors.push(`previousBox: ${show(v)} is not allowed (use "delete" or "receipt")`);
  }
  if (raw.boxTriggers !== undefined) s.boxTriggers = boxTriggers(raw.boxTriggers, errors);
  if (raw.showToolArgs !== undefined) {
    if (typeof raw.showToolArgs === "boolean") s.showToolArgs = raw.showToolArgs;
    else errors.push(`showToolArgs: must be true or false, not ${show(raw.showToolArgs)}`);
  }
  if (raw.redact !== undefined) s.redact = patterns(raw.redact, errors);
  if (raw.include !== undefined) s.include = sessionMatch("include", raw.include, errors);
  if (raw.exclude !== undefined) s.exclude = sessionMatch("exclude", raw.exclude, errors);
  if (raw.recordEvents !== undefined) {
    const v = raw.recordEvents;
    if (typeof v === "string" && v.trim() !== "") s.recordEvents = v.trim();
    else errors.push(`recordEvents: must be a file path, not ${show(v)}`);
  }
  if (raw.rateLimitPerSec !== undefined)
    s.rateLimitPerSec = numberIn("rateLimitPerSec", raw.rateLimitPerSec, RATE_LIMIT_RANGE, false, errors);
  if (raw.minEditIntervalMs !== undefined)
    s.minEditIntervalMs = numberIn(
      "minEditIntervalMs",
      raw.minEditIntervalMs,
      MIN_EDIT_INTERVAL_RANGE,
      true,
      errors,
    );
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings: s };
}

function defaults(): LiveStatusSettings {
  return {
    ...DEFAULT_SETTINGS,
    mattermost: {},
    boxTriggers: [...DEFAULT_SETTINGS.boxTriggers],
    redact: [],
    include: {},
    exclude: {},
  };
}

function mattermost(v: unknown, errors: string[]): MattermostOverrides {
  if (!isRecord(v)) {
    errors.push(`mattermost: must be an object with baseUrl, botToken or accountId, not ${show(v)}`);
    return {};
  }
  const out: MattermostOverrides = {};
  for (const key of Object.keys(v)) {
    if (key !== "baseUrl" && key !== "botToken" && key !== "accountId")
      errors.push(`mattermost.${key}: unknown setting (known: baseUrl, botToken, accountId)`);
  }
  if (v.baseUrl !== undefined) {
    const url = typeof v.baseUrl === "string" ? httpUrl(v.baseUrl) : undefined;
    if (url) out.baseUrl = url;
    // Never echo a value that may hold credentials: name the field only.
    else errors.push("mattermost.baseUrl: must be an http(s) URL such as https://chat.example.com");
  }
  if (v.botToken !== undefined) {
    if (typeof v.botToken === "string" && v.botToken.trim() !== "") out.botToken = v.botToken.trim();
    else errors.push("mattermost.botToken: must be a non-empty string");
  }
  if (v.accountId !== undefined) {
    if (typeof v.accountId === "string" && v.accountId.trim() !== "") out.accountId = v.accountId.trim();
    else errors.push(`mattermost.accountId: must be a non-empty string, not ${show(v.accountId)}`);
  }
  return out;
}

/** An http(s) URL without trailing slashes or `/api/v4`, or undefined. */
export function httpUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return url.href.replace(/\/+$/, "").replace(/\/api\/v4$/, "");
}

function boxTriggers(v: unknown, errors: string[]): BoxTrigger[] {
  if (!Array.isArray(v)) {
    errors.push(`boxTriggers: must be a list such as ["user"], not ${show(v)}`);
    return [...DEFAULT_SETTINGS.boxTriggers];
  }
  const out: BoxTrigger[] = [];
  v.forEach((t, i) => {
    if (typeof t === "string" && (BOX_TRIGGERS as readonly string[]).includes(t)) {
      if (!out.includes(t as BoxTrigger)) out.push(t as BoxTrigger);
    } else
      errors.push(
        `boxTriggers[${i}]: ${show(t)} is not allowed (use "user", "cron" or "subagent"; heartbeat, memory and compaction runs never get a box)`,
      );
  });
  return out;
}

function patterns(v: unknown, errors: string[]): RegExp[] {
  if (!Array.isArray(v)) {
    errors.push(`redact: must be a list of regular expressions, not ${show(v)}`);
    return [];
  }
  const out: RegExp[] = [];
  v.forEach((p, i) => {
    if (typeof p !== "string" || p === "") {
      errors.push(`redact[${i}]: must be a non-empty regular expression string, not ${show(p)}`);
      return;
    }
    const re = compilePattern(p);
    if (typeof re === "string") errors.push(`redact[${i}]: ${re}`);
    else out.push(re);
  });
  return out;
}

/**
 * A redaction pattern: a regular expression source (`ticket-[0-9]+`) or a `/source/flags` literal
 * (`/secret-\\w+/i`; flags i, m, s, u only). Returns the problem as text when it cannot be used.
 */
export function compilePattern(text: string): RegExp | string {
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(text);
  const source = literal ? (literal[1] ?? "") : text;
  const flags = literal ? (literal[2] ?? "") : "";
  if (!/^[imsu]*$/.test(flags)) return `flags "${flags}" are not allowed (use i, m, s or u)`;
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (error) {
    return `${show(text)} is not a valid regular expression (${messageOf(error)})`;
  }
  if (re.test("")) return `${show(text)} matches the empty string, so it would mask nothing useful`;
  return re;
}

function sessionMatch(field: string, v: unknown, errors: string[]): SessionMatch {
  if (!isRecord(v)) {
    errors.push(`${field}: must be an object with channels and/or agents lists, not ${show(v)}`);
    return {};
  }
  const out: SessionMatch = {};
  for (const key of Object.keys(v)) {
    if (key !== "channels" && key !== "agents")
      errors.push(`${field}.${key}: unknown setting (known: channels, agents)`);
  }
  for (const key of ["channels", "agents"] as const) {
    const list = v[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((x) => typeof x === "string" && x.trim() !== "")) {
      errors.push(`${field}.${key}: must be a list of non-empty strings, not ${show(list)}`);
      continue;
    }
    out[key] = list.map((x: string) => x.trim());
  }
  return out;
}

function numberIn(
  field: string,
  v: unknown,
  range: { min: number; max: number },
  integer: boolean,
  errors: string[],
): number {
  const ok =
    typeof v === "number" &&
    Number.isFinite(v) &&
    v >= range.min &&
    v <= range.max &&
    (!integer || Number.isInteger(v));
  if (ok) return v;
  errors.push(
    `${field}: must be ${integer ? "a whole number" : "a number"} from ${range.min} to ${range.max}, not ${show(v)}`,
  );
  // Unused: any error makes the whole result invalid.
  return range.min;
}
