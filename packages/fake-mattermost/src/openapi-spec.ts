import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** The parts of an OpenAPI 3.0 document the checker reads. */
export interface OpenApiSpec {
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, OpenApiResponse>;
    [key: string]: unknown;
  };
}

export interface OpenApiParameter {
  name: string;
  in: string;
}

export interface OpenApiResponse {
  $ref?: string;
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, OpenApiResponse>;
}

/** Upstream's concatenation order (api/Makefile), restricted to the fragments vendored in `api/`. */
export const SPEC_FRAGMENTS = [
  "introduction.yaml",
  "users.yaml",
  "channels.yaml",
  "posts.yaml",
  "definitions.yaml",
];

/** The vendored fragments, inside this package (see api/README.md for their source and licence). */
export const MATTERMOST_API_DIR = join(import.meta.dirname, "..", "api");

/** A difference between this spec version and what the server does, applied to the loaded spec. */
export interface KnownDifference {
  id: string;
  why: string;
  apply(spec: OpenApiSpec): void;
}

const APP_ERROR_JSON = { "application/json": { schema: { $ref: "#/components/schemas/AppError" } } };
const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

function op(spec: OpenApiSpec, path: string, method: string): OpenApiOperation {
  const found = spec.paths[path]?.[method] as OpenApiOperation | undefined;
  if (!found)
    throw new Error(`spec has no ${method.toUpperCase()} ${path}; the known differences need updating`);
  return found;
}

function allOperations(spec: OpenApiSpec): OpenApiOperation[] {
  return Object.values(spec.paths).flatMap((item) =>
    HTTP_METHODS.flatMap((m) => (item[m] ? [item[m] as OpenApiOperation] : [])),
  );
}

function bodyProperties(operation: OpenApiOperation): Record<string, unknown> {
  const schema = operation.requestBody?.content?.["application/json"]?.schema as
    | { properties?: Record<string, unknown> }
    | undefined;
  if (!schema?.properties)
    throw new Error("spec request body has no properties; the known differences need updating");
  return schema.properties;
}

function addResponse(operation: OpenApiOperation, status: string, response: OpenApiResponse): void {
  operation.responses[status] ??= response;
}

function addQuery(operation: OpenApiOperation, names: string[]): void {
  operation.parameters ??= [];
  for (const name of names) operation.parameters.push({ name, in: "query" });
}

/**
 * Where the server and this spec version disagree (see api/README.md and the server source); the checker
 * applies these, so everything else must match the spec exactly.
 */
export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: "post-props-are-objects",
    why: "PATCH/PUT post bodies: the spec types props as string, the server (model.StringInterface) takes an object",
    apply(spec) {
      bodyProperties(op(spec, "/api/v4/posts/{post_id}/patch", "put")).props = { type: "object" };
      bodyProperties(op(spec, "/api/v4/posts/{post_id}", "put")).props = { type: "object" };
    },
  },
  {
    id: "missing-post-404",
    why: "GetSinglePost answers 404 app.post.get.app_error for a missing or deleted post on GET, thread and (current servers) DELETE",
    apply(spec) {
      const notFound = { $ref: "#/components/responses/NotFound" };
      addResponse(op(spec, "/api/v4/posts/{post_id}", "get"), "404", notFound);
      addResponse(op(spec, "/api/v4/posts/{post_id}", "delete"), "404", notFound);
      addResponse(op(spec, "/api/v4/posts/{post_id}/thread", "get"), "404", notFound);
      addResponse(op(spec, "/api/v4/channels/{channel_id}/posts", "get"), "404", notFound);
    },
  },
  {
    id: "malformed-id-400",
    why: "RequireChannelId and friends answer 400 for a malformed id on every route with one",
    apply(spec) {
      addResponse(op(spec, "/api/v4/channels/{channel_id}", "get"), "400", {
        $ref: "#/components/responses/BadRequest",
      });
    },
  },
  {
    id: "channel-posts-thread-flags",
    why: "GET /channels/{id}/posts also takes skipFetchThreads, collapsedThreads, collapsedThreadsExtended",
    apply(spec) {
      addQuery(op(spec, "/api/v4/channels/{channel_id}/posts", "get"), [
        "skipFetchThreads",
        "collapsedThreads",
        "collapsedThreadsExtended",
      ]);
    },
  },
  {
    id: "silent-create",
    why: "recent servers accept POST /posts?silent=true for posts so a new box does not notify; not in this spec version",
    apply(spec) {
      addQuery(op(spec, "/api/v4/posts", "post"), ["silent"]);
    },
  },
  {
    id: "webapp-plugins",
    why: "GET /plugins/webapp (GetWebappPlugins in upstream plugins.yaml, a fragment not copied here): no permission needed, 200 an array of PluginManifestWebapp, 501 when plugins are disabled",
    apply(spec) {
      spec.paths["/api/v4/plugins/webapp"] ??= {
        get: {
          responses: {
            "200": {
              description: "the active webapp plugins",
              content: {
                "application/json": {
                  schema: { type: "array", items: { $ref: "#/components/schemas/PluginManifestWebapp" } },
                },
              },
            },
            "400": { $ref: "#/components/responses/BadRequest" },
            "401": { $ref: "#/components/responses/Unauthorized" },
            "403": { $ref: "#/components/responses/Forbidden" },
            "501": { $ref: "#/components/responses/NotImplemented" },
          },
        },
      };
    },
  },
  {
    id: "timezone-strings",
    why: 'User.timezone is a model.StringMap: useAutomaticTimezone is the string "true"/"false", not a boolean',
    apply(spec) {
      const tz = spec.components.schemas.Timezone as { properties: Record<string, unknown> };
      tz.properties.useAutomaticTimezone = { type: "string", enum: ["true", "false"] };
    },
  },
  {
    id: "rate-limit-429",
    why: "any route may be rate limited; the limiter answers text/plain `limit exceeded`, not an AppError",
    apply(spec) {
      for (const o of allOperations(spec)) {
        o.responses["429"] = { description: "limit exceeded", content: { "text/plain": {} } };
      }
    },
  },
  {
    id: "server-errors",
    why: "any route may fail with 500 (AppError), or 502/503 from a proxy in front (any body)",
    apply(spec) {
      for (const o of allOperations(spec)) {
        addResponse(o, "500", { description: "server error", content: APP_ERROR_JSON });
        o.responses["502"] = { description: "proxy" };
        o.responses["503"] = { description: "proxy" };
      }
    },
  },
];

/** Schemas used by paths but missing from the older definitions.yaml (see the README's known gaps). */
const STUBBED_SCHEMAS = ["PostInfo", "ChannelBanner"];

let cached: OpenApiSpec | undefined;

/** The concatenated spec with stubs and the known differences applied; parsed once per process. */
export function loadMattermostSpec(): OpenApiSpec {
  if (cached) return cached;
  const text = SPEC_FRAGMENTS.map((f) => readFileSync(join(MATTERMOST_API_DIR, f), "utf8")).join("");
  const spec = parse(text, { maxAliasCount: -1 }) as OpenApiSpec;
  for (const name of STUBBED_SCHEMAS) spec.components.schemas[name] ??= { type: "object" };
  for (const difference of KNOWN_DIFFERENCES) difference.apply(spec);
  cached = spec;
  return spec;
}
