/**
 * The box's stylesheet. Every colour derives from the theme variables set on `.ls-box`
 * (see theme.ts), so the box follows light and dark themes; class names are prefixed `ls-`
 * so they never meet Mattermost's own CSS.
 */
export const STYLE_ELEMENT_ID = "live-status-styles";

export const STYLES = `
.ls-box {
  --ls-muted: color-mix(in srgb, var(--ls-fg) 64%, transparent);
  --ls-line: color-mix(in srgb, var(--ls-fg) 14%, transparent);
  --ls-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  box-sizing: border-box;
  max-width: 640px;
  margin: 4px 0;
  border: 1px solid var(--ls-line);
  border-left: 3px solid var(--ls-tone);
  border-radius: 4px;
  background: color-mix(in srgb, var(--ls-fg) 3%, var(--ls-bg));
  color: var(--ls-fg);
  font-size: 13px;
  line-height: 20px;
  overflow: hidden;
}
.ls-box *, .ls-box *::before, .ls-box *::after { box-sizing: border-box; }
.ls-head { display: flex; align-items: center; gap: 6px; padding: 6px 10px; min-width: 0; }
.ls-agent { font-weight: 600; white-space: nowrap; }
/* Indicator colours (yellow, green) are made for dots, not text: pull them toward the text colour. */
.ls-state { color: color-mix(in srgb, var(--ls-tone) 72%, var(--ls-fg)); font-weight: 600; white-space: nowrap; }
.ls-activity { color: var(--ls-muted); min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ls-elapsed { margin-left: auto; padding-left: 8px; color: var(--ls-muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.ls-body { border-top: 1px solid var(--ls-line); padding: 6px 10px 8px; display: flex; flex-direction: column; gap: 6px; }
.ls-note { margin: 0; color: var(--ls-muted); font-size: 12px; line-height: 18px; }
.ls-error { margin: 0; color: var(--ls-error); font-size: 12px; line-height: 18px; overflow-wrap: anywhere; }
.ls-section-title { margin: 0; color: var(--ls-muted); font-size: 11px; line-height: 16px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
.ls-list { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: 14px auto minmax(0, 1fr) auto; column-gap: 8px; row-gap: 1px; }
.ls-row { grid-column: 1 / -1; display: grid; grid-template-columns: 14px auto minmax(0, 1fr) auto; grid-template-columns: subgrid; align-items: center; min-height: 20px; }
.ls-row .ls-icon { justify-self: center; }
.ls-name { font-family: var(--ls-mono); font-size: 12px; font-weight: 600; white-space: nowrap; }
.ls-label { font-family: inherit; font-size: 13px; }
.ls-detail { min-width: 0; color: var(--ls-muted); font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ls-args { font-family: var(--ls-mono); }
.ls-dur { color: var(--ls-muted); font-size: 12px; font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
.ls-row-error { grid-column: 2 / -1; color: var(--ls-error); font-size: 12px; line-height: 16px; overflow-wrap: anywhere; }
.ls-more { align-self: flex-start; margin: 0; padding: 0; border: 0; background: none; color: var(--ls-active); font: inherit; font-size: 12px; line-height: 18px; cursor: pointer; }
.ls-more:hover, .ls-more:focus-visible { text-decoration: underline; }
.ls-omitted { grid-column: 2 / -1; color: var(--ls-muted); font-size: 12px; font-style: italic; }
.ls-preview { margin: 0; color: var(--ls-muted); font-size: 12px; line-height: 18px; font-style: italic; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; overflow-wrap: anywhere; }
.ls-foot { display: flex; flex-wrap: wrap; gap: 4px 12px; color: var(--ls-muted); font-size: 12px; line-height: 18px; font-variant-numeric: tabular-nums; }
.ls-icon { display: inline-block; flex: none; width: 12px; height: 12px; vertical-align: middle; }
.ls-spin { animation: ls-spin 1s linear infinite; }
@keyframes ls-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .ls-spin { animation: none; } }
.ls-fallback { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.ls-compact .ls-head { padding: 4px 8px; }
.ls-compact .ls-body { padding: 4px 8px 6px; gap: 4px; }
`;

/** Adds the stylesheet to the document once; later calls find it by id and do nothing. */
export function ensureStyles(doc: Document): void {
  if (doc.getElementById(STYLE_ELEMENT_ID)) return;
  const style = doc.createElement("style");
  style.id = STYLE_ELEMENT_ID;
  style.textContent = STYLES;
  doc.head.appendChild(style);
}
