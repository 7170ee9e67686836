/**
 * The `recordEvents` file: an append-only stream, so a hook that records an event only queues
 * bytes and never waits for the disk. A write error is logged once and ends recording; it never
 * reaches the gateway.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../../ports/logger.ts";
import type { LineSink } from "../../runtime/event-recorder.ts";

/** Opens (creating parent directories) `path` for appending. Throws if the directory cannot be made. */
export function openRecordFile(path: string, log: Logger): LineSink {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: "a", encoding: "utf8" });
  let failed = false;
  stream.on("error", (error) => {
    if (failed) return;
    failed = true;
    log.error("recordEvents: cannot write the file; recording stopped", {
      path,
      error: error.message,
    });
  });
  return {
    write(text) {
      if (failed || stream.destroyed) return 0;
      stream.write(text);
      return stream.writableLength;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (stream.closed) {
          resolve();
          return;
        }
        // "close" follows both a clean finish and an error, so this never hangs.
        stream.once("close", () => resolve());
        stream.end();
      });
    },
  };
}
