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
  // The unfinished last line (its last 1 KB: an echo further back is long finished).
  const tailStart = Math.max(0, end - 1024);
  const tail = text.slice(tailStart, end);
  const lineStart = tailStart + tail.lastIndexOf("\n") + 1;
  const line = text.slice(lineStart, end);
  if (!line.includes("echo") && !line.includes("printf")) return end;
  const m = PIPED_PRINT.exec(line);
  if (m !== null) end = lineStart + m.index;
  return end;
}

const BEGIN = /-{4,5} ?BEGIN [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY/g;
const END = /-{4,5} ?END [A-Z0-9 ]*(?:PRIVATE|SECRET) KEY/;
const HEREDOC_OPEN = /<<-?[ \t]*["']?([A-Za-z_][\w-]*)/g;

/**
 * Where a window `text[from, …)` must start so that the rules see the context they need: the
 * BEGIN of a private key block opened before `from` and not yet closed, or the `<<TAG` line of a
 * heredoc still open at `from`; else `from`. Only texts holding such a marker are searched.
 */
export function contextStart(text: string, from: number): number {
  if (from <= 0) return from;
  let start = from;
  if (text.includes("PRIVATE KEY") || text.includes("SECRET KEY")) {
    let open = -1;
    BEGIN.lastIndex = 0;
    for (let m = BEGIN.exec(text); m !== null && m.index < from; m = BEGIN.exec(text)) open = m.index;
    if (open >= 0 && !END.test(text.slice(open + 5, from))) start = open;
  }
  if (text.includes("<<")) {
    HEREDOC_OPEN.lastIndex = 0;
    for (let m = HEREDOC_OPEN.exec(text); m !== null && m.index < from; m = HEREDOC_OPEN.exec(text)) {
      const body = text.indexOf("\n", m.index);
      if (body < 0 || body >= from) continue;
      const terminator = new RegExp(`\\n[ \\t]*${m[1]}[ \\t]*(?:\\n|$)`).exec(text.slice(body, from));
      if (terminator === null) start = Math.min(start, text.lastIndexOf("\n", m.index) + 1);
    }
  }
  return start;
}
