/**
 * Builds the webapp plugin: bundles src/index.ts into `dist/main.js` (React and friends come
 * from the Mattermost page, like the plugin starter template's webpack externals) and packs
 * `dist/live-status-webapp.tar.gz` laid out as Mattermost expects (`<id>/plugin.json`,
 * `<id>/webapp/dist/main.js`). Run with `npm run build -w @live-status/webapp`.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { createTar } from "./tar.ts";

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Modules the Mattermost webapp exposes on `window` for plugins, as in the starter template. */
export const HOST_GLOBALS: Readonly<Record<string, string>> = {
  react: "React",
  "react-dom": "ReactDOM",
  redux: "Redux",
  "react-redux": "ReactRedux",
  "prop-types": "PropTypes",
  "react-bootstrap": "ReactBootstrap",
  "react-router-dom": "ReactRouterDom",
  "react-intl": "ReactIntl",
};

export interface BuildResult {
  bundlePath: string;
  archivePath: string;
  pluginId: string;
}

/** Bundles and packs into `outDir` (default `<package>/dist`). */
export async function buildWebapp(outDir = join(PACKAGE_DIR, "dist")): Promise<BuildResult> {
  const bundlePath = join(outDir, "main.js");
  await mkdir(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(PACKAGE_DIR, "src/index.ts")],
    outfile: bundlePath,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    legalComments: "none",
    jsx: "transform",
    jsxFactory: "React.createElement",
    jsxFragment: "React.Fragment",
    tsconfig: join(PACKAGE_DIR, "tsconfig.json"),
    logLevel: "warning",
    plugins: [hostGlobals()],
  });

  const manifestText = await readFile(join(PACKAGE_DIR, "plugin.json"), "utf8");
  const manifest = JSON.parse(manifestText) as { id: string };
  const bundle = await readFile(bundlePath);
  const id = manifest.id;
  const tar = createTar(
    [
      { path: `${id}/` },
      { path: `${id}/plugin.json`, data: new TextEncoder().encode(manifestText) },
      { path: `${id}/webapp/` },
      { path: `${id}/webapp/dist/` },
      { path: `${id}/webapp/dist/main.js`, data: bundle },
    ],
    sourceDateEpoch(),
  );
  const archivePath = join(outDir, `${id}-webapp.tar.gz`);
  await writeFile(archivePath, gzipSync(tar, { level: 9 }));
  return { bundlePath, archivePath, pluginId: id };
}

// Resolves host-provided modules to `window.<Global>` instead of bundling them.
function hostGlobals(): esbuild.Plugin {
  const names = Object.keys(HOST_GLOBALS).map((n) => n.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"));
  return {
    name: "mattermost-host-globals",
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${names.join("|")})$`) }, (args) => ({
        path: args.path,
        namespace: "host-global",
      }));
      build.onLoad({ filter: /.*/, namespace: "host-global" }, (args) => ({
        contents: `module.exports = window[${JSON.stringify(HOST_GLOBALS[args.path])}];`,
        loader: "js",
      }));
    },
  };
}

// Reproducible archives: honour SOURCE_DATE_EPOCH, else a fixed date.
function sourceDateEpoch(): number {
  const fromEnv = Number(process.env.SOURCE_DATE_EPOCH);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1_704_067_200;
}

if (import.meta.main) {
  const result = await buildWebapp();
  console.log(`built ${result.bundlePath}\npacked ${result.archivePath}`);
}
