#!/usr/bin/env node
// Checked before anything else loads: the demo runs TypeScript directly and uses node:sqlite (Node 24.16+).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 24 || (major === 24 && minor < 16)) {
  process.stderr.write(
    `The demo needs Node >= 24.16 (this is ${process.version}). Run it through npm: npm run demo (npm brings the project's Node 24).\n`,
  );
  process.exit(2);
}
const { runFromProcess } = await import("../src/cli.ts");
await runFromProcess();
