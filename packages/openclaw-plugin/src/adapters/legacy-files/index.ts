/**
 * The legacy-files source (OpenClaw ≤ v2026.7.1): session files in, normalized events out.
 * See docs/design/legacy-source.md.
 */
export type { LegacySourceOptions, SessionView, SourceCounters } from "./legacy-source.ts";
export { LegacySource } from "./legacy-source.ts";
export type { OpenClawMattermost } from "./openclaw-config.ts";
export { openClawConfigPath, readOpenClawMattermost } from "./openclaw-config.ts";
export type { WatchFn } from "./watch-hints.ts";
