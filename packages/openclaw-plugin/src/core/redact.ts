/** Kept so older imports keep working; the redaction module lives in `./redaction/`. */
export * from "./redaction/index.ts";
