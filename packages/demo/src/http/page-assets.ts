/**
 * What the web view loads, gathered in memory at start: React 18 from its UMD files (as the
 * Mattermost page provides it to plugins), the real webapp plugin bundle, a registerPlugin shim
 * that captures the plugin's registry as Mattermost does, and the demo's own page script.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { Asset } from "./web-server.ts";

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), "../web");
const require = createRequire(import.meta.url);

export type ReactBuild = "production" | "development";

// Defined before the plugin bundle loads, like Mattermost's own window.registerPlugin.
const HOST_SHIM = `window.__demoPlugins = [];
window.registerPlugin = function (id, plugin) { window.__demoPlugins.push({ id: id, plugin: plugin }); };
`;

// The page gets React from window, exactly like the plugin: one React for both.
const HOST_GLOBALS: Readonly<Record<string, string>> = {
  react: "React",
  "react-dom": "ReactDOM",
  "react-dom/client": "ReactDOM",
};

function hostGlobals(): esbuild.Plugin {
  return {
    name: "host-globals",
    setup(build) {
      build.onResolve({ filter: /^react(-dom(\/client)?)?$/ }, (args) => ({
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

/** Bundles `src/web/main.tsx` (the page's script) in memory. */
export async function bundlePage(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [join(WEB_DIR, "main.tsx")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: ["es2022"],
    jsx: "transform",
    jsxFactory: "React.createElement",
    jsxFragment: "React.Fragment",
    logLevel: "silent",
    plugins: [hostGlobals()],
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error("the page bundle is empty");
  return out.text;
}

function umd(pkg: "react" | "react-dom", build: ReactBuild): string {
  const dir = dirname(require.resolve(`${pkg}/package.json`));
  return join(dir, "umd", `${pkg}.${build === "production" ? "production.min" : "development"}.js`);
}

/** The page and every file it loads. `pluginBundle` is the webapp's built `dist/main.js`. */
export async function pageAssets(o: {
  pluginBundle: string;
  reactBuild: ReactBuild;
  title: string;
}): Promise<{ html: string; assets: Map<string, Asset> }> {
  const js = "text/javascript; charset=utf-8";
  const [react, reactDom, plugin, page, css] = await Promise.all([
    readFile(umd("react", o.reactBuild)),
    readFile(umd("react-dom", o.reactBuild)),
    readFile(o.pluginBundle),
    bundlePage(),
    readFile(join(WEB_DIR, "demo.css")),
  ]);
  const assets = new Map<string, Asset>([
    ["/static/react.js", { body: react, type: js }],
    ["/static/react-dom.js", { body: reactDom, type: js }],
    ["/static/host.js", { body: HOST_SHIM, type: js }],
    ["/static/plugins/live-status/main.js", { body: plugin, type: js }],
    ["/static/demo.js", { body: page, type: js }],
    ["/static/demo.css", { body: css, type: "text/css; charset=utf-8" }],
    ["/favicon.ico", { body: FAVICON, type: "image/svg+xml" }],
  ]);
  return { html: pageHtml(o.title), assets };
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1e325c"/><circle cx="16" cy="16" r="6" fill="#3db887"/></svg>`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pageHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Live Status demo</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/static/demo.css">
<script src="/static/react.js"></script>
<script src="/static/react-dom.js"></script>
<script src="/static/host.js"></script>
<script src="/static/plugins/live-status/main.js"></script>
<script defer src="/static/demo.js"></script>
</head>
<body>
<div id="root"><p class="boot">Loading the Live Status demo…</p></div>
<noscript>The demo page needs JavaScript.</noscript>
</body>
</html>
`;
}
