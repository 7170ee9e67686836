/**
 * Streaming safety. Assistant text arrives cumulatively, and a secret that has not fully arrived
 * matches no rule yet (`ghp_Zq9…` shorter than a token, a URL password before its `@`). So text
 * that is still arriving is published only up to a safe boundary: everything before the last
 * word (unless it is a plain word ending a sentence), and before an unfinished `echo …` line whose pipe target (a login) has not arrived yet.
 * The held-back tail is published once the word or line is complete, redacted with its context.
 */

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029;
}

// A plain word closing a sentence (`done.`) is complete and holds no secret: letters only.
const SENTENCE_END = /^[\p{L}'’-]{1,40}[.!?]$/u;
// A command that prints its arguments into a pipe: what follows on the line says whether they are a secret.
const PIPED_PRINT = /(?<=^|[\s;&|(`$])(?:echo|printf)[ \t]/;

/**
 * The length of the prefix of `text` (still arriving) that may be published: up to the last
 * whitespace, and not past the start of an `echo`/`printf` on the unfinished last line.
 */
export function publishableEnd(text: string): number {
  let end = text.length;
  while (end > 0 && !isSpace(text.charCodeAt(end - 1))) end--;
  if (end < text.length && SENTENCE_END.test(text.slice(end))) end = text.length;
  const lineStart = text.lastIndexOf("\n", end - 1) + 1;
  const m = PIPED_PRINT.exec(text.slice(lineStart, end));
  if (m !== null) end = lineStart + m.index;
  return end;
}

const BEGIN = /-{4,5} ?BEGIN [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY/g;
const END = /-{4,5} ?END [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY/;
// Key material: a long base64 run or an END marker. Only then is the text before a window searched.
const KEY_MATERIAL = /[A-Za-z0-9+/=]{40}|-{4,5} ?END /;

/**
 * Where a window `text[from, to)` must start so that it does not begin inside a private key block:
 * the BEGIN of a block opened before `from` and not closed before it, else `from`.
 */
export function keyBlockSafeStart(text: string, from: number, to: number): number {
  if (from <= 0 || !KEY_MATERIAL.test(text.slice(from, to))) return from;
  let open = -1;
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m !== null && m.index < from; m = BEGIN.exec(text)) open = m.index;
  if (open < 0) return from;
  return END.test(text.slice(open + 5, from)) ? from : open;
}
