/**
 * Redaction: everything that leaves the process (post message and props, ledger rows, logs,
 * recorded event files, CLI output) passes through here first. Two kinds of knowledge feed it:
 * tokens recognisable by shape (`tokens.ts`) and secrets recognisable by position and name
 * (`grammar.ts`); `stream.ts` keeps text that is still arriving from publishing half a secret.
 * `docs/security.md` lists what is masked, where, what is not, and how to add a rule.
 */
export { type Redactor, RULES, redactorOf, redactText, redactValue } from "./engine.ts";
export { REDACTED, type RedactionRule } from "./rule.ts";
export { isSecretFlag, isSecretKey } from "./secret-names.ts";
export { contextStart, publishableEnd } from "./stream.ts";
