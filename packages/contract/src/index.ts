export * from "./commands.ts";
export * from "./live-status.ts";
export * from "./parse.ts";
