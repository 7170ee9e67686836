import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import {
  loadMattermostSpec,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiResponse,
  type OpenApiSpec,
} from "./openapi-spec.ts";
import { literalWeight, matchTemplate } from "./path-template.ts";
import type { LoggedRequest, PublishedEvent } from "./types.ts";

export {
  KNOWN_DIFFERENCES,
  loadMattermostSpec,
  MATTERMOST_API_DIR,
  SPEC_FRAGMENTS,
} from "./openapi-spec.ts";

/** One way a served request, answer or event departs from the spec. */
export interface SpecViolation {
  seq: number;
  method: string;
  path: string;
  status: number;
  problem: string;
}

// ajv-formats is CommonJS; under NodeNext its default import is typed as the module namespace.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

const SPEC_ID = "mattermost-openapi";
// The server's WebSocket events, as listed in introduction.yaml (plus `typing` and `hello` it also lists).
const WEBSOCKET_EVENTS = new Set(["hello", "posted", "post_edited", "post_deleted", "typing"]);

interface Checker {
  spec: OpenApiSpec;
  validator(key: string, schema: unknown): ValidateFunction;
}

let checker: Checker | undefined;

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${SPEC_ID}${v}` : rewriteRefs(v);
  }
  return out;
}

function getChecker(): Checker {
  if (checker) return checker;
  const spec = loadMattermostSpec();
  // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (example, x-*); ignore them, keep `nullable`.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: spec.components });
  const cache = new Map<string, ValidateFunction>();
  checker = {
    spec,
    validator(key, schema) {
      let fn = cache.get(key);
      if (!fn) {
        fn = ajv.compile(rewriteRefs(schema) as object);
        cache.set(key, fn);
      }
      return fn;
    },
  };
  return checker;
}

function findOperation(
  spec: OpenApiSpec,
  method: string,
  path: string,
): { template: string; operation: OpenApiOperation; pathParameters: OpenApiParameter[] } | undefined {
  let best: string | undefined;
  for (const [template, item] of Object.entries(spec.paths)) {
    if (!item[method.toLowerCase()] || matchTemplate(template, path) === undefined) continue;
    if (best === undefined || literalWeight(template) > literalWeight(best)) best = template;
  }
  if (best === undefined) return undefined;
  const item = spec.paths[best] as Record<string, unknown>;
  return {
    template: best,
    operation: item[method.toLowerCase()] as OpenApiOperation,
    pathParameters: (item.parameters as OpenApiParameter[] | undefined) ?? [],
  };
}

function resolveResponse(spec: OpenApiSpec, response: OpenApiResponse): OpenApiResponse {
  if (!response.$ref) return response;
  const name = response.$ref.replace("#/components/responses/", "");
  const found = spec.components.responses[name];
  if (!found) throw new Error(`spec response ${response.$ref} does not resolve`);
  return found;
}

function mediaType(headers: Record<string, string>): string {
  return (headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
}

function describe(errors: ValidateFunction["errors"]): string {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`).join("; ");
}

function checkRequest(c: Checker, req: LoggedRequest): string[] {
  const found = findOperation(c.spec, req.method, req.path);
  if (!found) return [`no ${req.method} operation in the spec matches ${req.path}`];
  const { template, operation, pathParameters } = found;
  const where = `${req.method} ${template}`;
  const problems: string[] = [];

  const declared = new Set(
    [...pathParameters, ...(operation.parameters ?? [])].filter((p) => p.in === "query").map((p) => p.name),
  );
  for (const name of Object.keys(req.query)) {
    if (!declared.has(name)) problems.push(`query parameter "${name}" is not declared for ${where}`);
  }
  if (req.status === 0) return problems;

  const ok = req.status >= 200 && req.status < 300;
  const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
  // A rejected body is the server doing its job; an accepted one must be what the spec allows.
  if (ok && bodySchema !== undefined) {
    const validate = c.validator(`${where} request`, bodySchema);
    if (!validate(req.body))
      problems.push(`request body accepted but not per spec: ${describe(validate.errors)}`);
  }

  const declaredResponse = operation.responses[String(req.status)] ?? operation.responses.default;
  if (!declaredResponse) {
    problems.push(`status ${req.status} is not a documented answer of ${where}`);
    return problems;
  }
  const response = resolveResponse(c.spec, declaredResponse);
  if (!response.content) return problems;
  const type = mediaType(req.responseHeaders);
  const media = response.content[type];
  if (!media) {
    problems.push(
      `answered ${type || "no content type"}, spec says ${Object.keys(response.content).join(" or ")}`,
    );
    return problems;
  }
  if (media.schema !== undefined) {
    const validate = c.validator(`${where} ${req.status} ${type}`, media.schema);
    if (!validate(req.responseBody)) {
      problems.push(`response body does not match the spec schema: ${describe(validate.errors)}`);
    }
  }
  return problems;
}

/** Checks served requests (path, method, query names, status, content type, bodies) against the spec. */
export function checkRequestsAgainstSpec(requests: readonly LoggedRequest[]): SpecViolation[] {
  const c = getChecker();
  return requests.flatMap((req) =>
    checkRequest(c, req).map((problem) => ({
      seq: req.seq,
      method: req.method,
      path: req.path,
      status: req.status,
      problem,
    })),
  );
}

/** Checks published WebSocket events: a known event name, and any `data.post` a JSON Post per the spec. */
export function checkEventsAgainstSpec(events: readonly PublishedEvent[]): SpecViolation[] {
  const c = getChecker();
  const validatePost = c.validator("Post", { $ref: "#/components/schemas/Post" });
  const violations: SpecViolation[] = [];
  events.forEach((event, i) => {
    const at = { seq: i, method: "WS", path: event.event, status: 0 };
    if (!WEBSOCKET_EVENTS.has(event.event))
      violations.push({ ...at, problem: `unexpected event ${event.event}` });
    if (event.data.post === undefined) return;
    if (typeof event.data.post !== "string") {
      violations.push({ ...at, problem: "data.post must be a JSON string" });
      return;
    }
    if (!validatePost(JSON.parse(event.data.post))) {
      violations.push({ ...at, problem: `data.post is not a Post: ${describe(validatePost.errors)}` });
    }
  });
  return violations;
}

/**
 * Throws, listing every violation, unless every request the fake served and every event it published
 * matches the Mattermost spec (with the documented KNOWN_DIFFERENCES). Call it at the end of a scenario.
 */
export function assertServedAccordingToSpec(fake: {
  requests(): LoggedRequest[];
  events?: () => PublishedEvent[];
}): void {
  const violations = [
    ...checkRequestsAgainstSpec(fake.requests()),
    ...(fake.events ? checkEventsAgainstSpec(fake.events()) : []),
  ];
  if (violations.length === 0) return;
  const lines = violations.map((v) => `#${v.seq} ${v.method} ${v.path} → ${v.status}: ${v.problem}`);
  throw new Error(
    `fake Mattermost served ${violations.length} thing(s) outside the spec:\n${lines.join("\n")}`,
  );
}
