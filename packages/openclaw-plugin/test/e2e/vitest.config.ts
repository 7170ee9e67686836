import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The real-gateway suite: `npm run test:e2e`. Its files end in `.e2e.ts` so the default `vitest run`
// (which takes `*.test.ts`) never starts a gateway. One file at a time: a gateway takes ~1–1.5 GB.
export default defineConfig({
  test: {
    root: dirname(fileURLToPath(import.meta.url)),
    include: ["**/*.e2e.ts"],
    fileParallelism: false,
    pool: "forks",
    // A restart scenario holds two gateway starts and a turn; on a loaded 2-core machine (load 13–16)
    // one start took over 100 s, past a 120 s budget.
    testTimeout: 360_000,
    hookTimeout: 300_000,
    teardownTimeout: 90_000,
    reporters: ["verbose"],
  },
});
