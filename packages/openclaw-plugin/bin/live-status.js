#!/usr/bin/env node
// Checked before anything else loads: node:sqlite and OpenClaw need Node 24.16 or newer.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 24 || (major === 24 && minor < 16)) {
  process.stderr.write(
    `live-status needs Node >= 24.16 (this is ${process.version}). In a checkout, run it through npm (npx live-status …), which brings Node 24.\n`,
  );
  process.exit(2);
}
const { main } = await import("../dist/cli/main.js");
const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => controller.abort(sig));
process.exitCode = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  signal: controller.signal,
});
