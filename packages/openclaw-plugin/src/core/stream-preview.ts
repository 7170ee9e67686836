/**
 * The preview of assistant text that is still streaming. OpenClaw sends the whole text so far
 * with every delta (often a few characters); recomputing the redacted preview for each would cost
 * more than everything else the plugin does per event. So a box's preview is recomputed when the
 * text grew by {@link PREVIEW_STEP} characters, reached the end of a sentence or line (after
 * {@link SETTLED_STEP}), or is not a continuation of the text it was computed from — never more
 * than about a second of streaming behind, and a box is written at most once a second anyway. What it shows is always `streamingTail` of some prefix of the text: safe.
 */
import type { LiveStatusV1 } from "@live-status/contract";
import { plainText } from "./plain-text.ts";
import { safeTail, streamingTail } from "./text.ts";

/** Characters of growth after which a streaming preview is recomputed. */
export const PREVIEW_STEP = 80;
/** Growth after which a sentence or line end is worth a recompute. */
export const SETTLED_STEP = 16;

interface Computed {
  /** The text the preview was computed from. */
  text: string;
  /** The newest text seen, computed or not: a final box shows all of it, redacted whole. */
  latest: string;
}

// Which text each status's preview came from. Keyed by the status object, so it cannot outlive
// the box or leak into what is stored or sent; a restored status simply recomputes.
const computedFrom = new WeakMap<LiveStatusV1, Computed>();

// Sentence or line ends: the point where a reader expects the preview to be complete.
const SETTLED = /[.!?:;\n]\s*$/;

/**
 * The status after text `text` arrived for box `s`: `thinking` off and, when due, a new preview
 * (`max` code points, `extra` patterns applied). Returns `s` itself when nothing changes.
 */
export function withStreamingPreview(
  s: LiveStatusV1,
  text: string,
  max: number,
  extra: readonly RegExp[],
): LiveStatusV1 {
  const last = computedFrom.get(s);
  const grown = text.length - (last?.text.length ?? 0);
  const due =
    last === undefined ||
    grown >= PREVIEW_STEP ||
    grown < 0 ||
    (grown >= SETTLED_STEP && SETTLED.test(text.slice(-4))) ||
    !text.startsWith(last.text);
  if (!due) {
    last.latest = text;
    return s.thinking ? remember({ ...s, thinking: false }, last) : s;
  }
  // Redaction sees the text as written; markup goes before the lines are joined into one.
  const preview = streamingTail(text, max, extra, plainText);
  if (preview.length === 0 || preview === s.preview) {
    return remember(s.thinking ? { ...s, thinking: false } : s, { text, latest: text });
  }
  return remember({ ...s, thinking: false, preview }, { text, latest: text });
}

/**
 * The preview of a box whose text stopped arriving: all of the newest text, redacted whole (nothing
 * is held back, since nothing more can complete a secret). Undefined when no text came.
 */
export function settledPreview(s: LiveStatusV1, max: number, extra: readonly RegExp[]): string | undefined {
  const last = computedFrom.get(s);
  if (last === undefined) return s.preview;
  const preview = safeTail(last.latest, max, extra, plainText);
  return preview.length > 0 ? preview : undefined;
}

function remember(s: LiveStatusV1, c: Computed): LiveStatusV1 {
  computedFrom.set(s, c);
  return s;
}
