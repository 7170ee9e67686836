export * from "./live-status.ts";
