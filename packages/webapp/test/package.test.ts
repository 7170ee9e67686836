import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuildResult, buildWebapp, PACKAGE_DIR } from "../scripts/build.ts";
import { createTar } from "../scripts/tar.ts";
import { PLUGIN_ID } from "../src/manifest.ts";

let dir: string;
let built: BuildResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-status-webapp-"));
  built = await buildWebapp(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("plugin manifest", () => {
  it("is a webapp-only plugin whose id matches the bundle's", async () => {
    const manifest = JSON.parse(await readFile(join(PACKAGE_DIR, "plugin.json"), "utf8"));
    expect(manifest.id).toBe(PLUGIN_ID);
    expect(manifest.webapp.bundle_path).toBe("webapp/dist/main.js");
    expect(manifest.server).toBeUndefined();
    expect(manifest.min_server_version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("bundle", () => {
  it("takes React from the host page instead of shipping its own", async () => {
    const js = await readFile(built.bundlePath, "utf8");
    expect(js).toContain("window.React");
    expect(js).not.toContain("__SECRET_INTERNALS");
    expect(js.length).toBeLessThan(60_000);
  });

  it("registers the custom_live_status component with Mattermost when loaded", async () => {
    const js = await readFile(built.bundlePath, "utf8");
    const registered: [string, unknown][] = [];
    let plugin: { initialize(r: unknown): void } | undefined;
    const appended: unknown[] = [];
    const document = {
      getElementById: () => null,
      createElement: () => ({}),
      head: { appendChild: (el: unknown) => appended.push(el) },
    };
    const window = {
      React: { createElement() {}, useState() {}, useEffect() {}, useLayoutEffect() {} },
      registerPlugin: (id: string, p: typeof plugin) => {
        expect(id).toBe(PLUGIN_ID);
        plugin = p;
      },
    };
    runInNewContext(js, { window, document });
    plugin?.initialize({
      registerPostTypeComponent: (type: string, c: unknown) => registered.push([type, c]),
    });
    expect(registered.map(([type]) => type)).toEqual(["custom_live_status"]);
    expect(typeof registered[0]?.[1]).toBe("function");
    expect(appended).toHaveLength(1);
  });
});

describe("plugin archive", () => {
  it("lays out plugin.json and the bundle under the plugin id, as Mattermost expects", () => {
    const listing = execFileSync("tar", ["-tzf", built.archivePath], { encoding: "utf8" }).trim().split("\n");
    expect(listing).toEqual([
      "live-status/",
      "live-status/plugin.json",
      "live-status/webapp/",
      "live-status/webapp/dist/",
      "live-status/webapp/dist/main.js",
    ]);
  });

  it("holds the very files that were built", async () => {
    const bundle = execFileSync("tar", ["-xzOf", built.archivePath, "live-status/webapp/dist/main.js"]);
    expect(bundle.equals(await readFile(built.bundlePath))).toBe(true);
    const manifest = execFileSync("tar", ["-xzOf", built.archivePath, "live-status/plugin.json"], {
      encoding: "utf8",
    });
    expect(JSON.parse(manifest).id).toBe(PLUGIN_ID);
  });
});

describe("createTar", () => {
  it("writes ustar blocks that tar reads back with sizes and modes", () => {
    const tar = createTar([
      { path: "a/" },
      { path: "a/x.txt", data: new TextEncoder().encode("hello"), mode: 0o600 },
    ]);
    expect(tar.length % 512).toBe(0);
    const listing = execFileSync("tar", ["-tvf", "-"], { input: tar, encoding: "utf8" });
    expect(listing).toMatch(/^drwxr-xr-x .* a\/$/m);
    expect(listing).toMatch(/^-rw------- .* 5 .* a\/x\.txt$/m);
  });

  it("is byte-for-byte reproducible", () => {
    const entries = [{ path: "f", data: new Uint8Array([1, 2, 3]) }];
    expect(createTar(entries, 100)).toEqual(createTar(entries, 100));
  });

  it("refuses paths too long for a ustar name", () => {
    expect(() => createTar([{ path: "x".repeat(101), data: new Uint8Array() }])).toThrow(/longer than 100/);
  });
});
