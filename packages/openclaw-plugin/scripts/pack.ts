/**
 * Packs the plugin as the npm tarball OpenClaw installs (`openclaw plugins install <tgz>`), with the
 * workspace-only `@live-status/contract` bundled inside: npm does not bundle a workspace link, so the
 * package is staged outside the workspace with the contract's built files in its own node_modules.
 * Run after `tsc -b` (the root `npm run build` does both). Prints the tarball's path.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CONTRACT_DIR = resolve(PACKAGE_DIR, "../contract");
const CONTRACT = "@live-status/contract";

interface PackageJson {
  name: string;
  version: string;
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  bundleDependencies?: string[];
  [key: string]: unknown;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as PackageJson;

/** Packs into `outDir` and returns the tarball's path. */
export function packPlugin(outDir: string): string {
  const pkg = readJson(join(PACKAGE_DIR, "package.json"));
  const contract = readJson(join(CONTRACT_DIR, "package.json"));
  const stage = mkdtempSync(join(tmpdir(), "live-status-pack-"));
  try {
    for (const entry of pkg.files ?? [])
      cpSync(join(PACKAGE_DIR, entry), join(stage, entry), { recursive: true });
    const { devDependencies: _dev, ...published } = pkg;
    writeFileSync(
      join(stage, "package.json"),
      `${JSON.stringify({ ...published, bundleDependencies: [CONTRACT] }, null, 2)}\n`,
    );
    const bundled = join(stage, "node_modules", CONTRACT);
    mkdirSync(bundled, { recursive: true });
    writeFileSync(join(bundled, "package.json"), `${JSON.stringify(contract, null, 2)}\n`);
    for (const entry of contract.files ?? [])
      cpSync(join(CONTRACT_DIR, entry), join(bundled, entry), { recursive: true });
    mkdirSync(outDir, { recursive: true });
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", resolve(outDir)], {
      cwd: stage,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [{ filename }] = JSON.parse(out) as [{ filename: string }];
    return join(resolve(outDir), filename);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  console.log(`packed ${packPlugin(process.argv[2] ?? resolve(PACKAGE_DIR, "../../dist"))}`);
}
