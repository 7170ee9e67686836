import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The rooms of the plugin (see AGENTS.md) and what each may import. Tests are left out: they may reach anywhere.
const SRC = dirname(fileURLToPath(import.meta.url));

/** The room a source file lives in: `core`, `ports`, `runtime`, `config`, `cli`, `adapters/<x>` or `entry`. */
function roomOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  if (parts.length === 1) return "entry";
  return parts[0] === "adapters" ? `adapters/${parts[1]}` : (parts[0] as string);
}

const MAY_IMPORT: Record<string, (room: string) => boolean> = {
  core: (r) => r === "core",
  ports: (r) => r === "core" || r === "ports",
  config: (r) => r === "core" || r === "config",
  runtime: (r) => r === "core" || r === "ports" || r === "runtime",
};

/** Packages a room may use besides its own code; anything else (node:, openclaw) is I/O. */
const PURE_PACKAGES = new Set(["@live-status/contract"]);

interface Import {
  from: string;
  fromRoom: string;
  spec: string;
  /** The room of a relative import; undefined for a package. */
  room?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/g)].map(
    (m) => m[1],
  );
  specs.push(...[...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]));
  return specs
    .filter((spec): spec is string => spec !== undefined)
    .map((spec) => {
      const base = { from: relative(SRC, file), fromRoom: roomOf(file), spec };
      return spec.startsWith(".") ? { ...base, room: roomOf(resolve(dirname(file), spec)) } : base;
    });
}

const imports = sourceFiles(SRC).flatMap(importsOf);

const show = (i: Import) => `${i.from} imports ${i.spec}`;

describe("room boundaries", () => {
  it("finds every room and reads its imports", () => {
    const rooms = new Set(sourceFiles(SRC).map(roomOf));
    expect(imports.length).toBeGreaterThan(100);
    for (const room of [
      "core",
      "ports",
      "runtime",
      "config",
      "cli",
      "adapters/mattermost",
      "adapters/storage",
    ]) {
      expect(rooms).toContain(room);
    }
  });

  it.each(Object.keys(MAY_IMPORT))("keeps %s to the rooms it may use, and free of I/O packages", (room) => {
    const allowed = MAY_IMPORT[room] as (r: string) => boolean;
    const bad = imports
      .filter((i) => i.fromRoom === room)
      .filter((i) => (i.room === undefined ? !PURE_PACKAGES.has(i.spec) : !allowed(i.room)));
    expect(bad.map(show)).toEqual([]);
  });

  it("keeps the core free of Node built-ins, timers and the wall clock", () => {
    const bad = sourceFiles(join(SRC, "core")).filter((file) =>
      /\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(|\bprocess\.|from "node:/.test(readFileSync(file, "utf8")),
    );
    expect(bad.map((f) => relative(SRC, f))).toEqual([]);
  });

  it("has no cycle between rooms", () => {
    const edges = new Map<string, Set<string>>();
    for (const i of imports) {
      if (i.room === undefined || i.room === i.fromRoom) continue;
      const out = edges.get(i.fromRoom) ?? new Set<string>();
      out.add(i.room);
      edges.set(i.fromRoom, out);
    }
    const cycles: string[] = [];
    const walk = (room: string, path: string[]) => {
      for (const next of edges.get(room) ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(" → "));
        else if (!path.includes(next)) walk(next, [...path, next]);
      }
    };
    for (const room of edges.keys()) walk(room, [room]);
    expect(cycles).toEqual([]);
  });
});
