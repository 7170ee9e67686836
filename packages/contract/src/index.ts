export * from "./live-status.ts";
export * from "./parse.ts";
