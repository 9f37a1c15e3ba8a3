import { z } from "zod";

// Builds the OpenAPI 3.1 document from route descriptions that carry the very zod schemas the
// route handlers validate with (zod 4 converts them to JSON Schema 2020-12, OpenAPI 3.1's dialect).

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who may call: see the security schemes below. */
export type RouteAuth = "public" | "session" | "user" | "admin" | "apiKey" | "signed" | "metrics" | "compat";

export type RouteDoc = {
  method: HttpMethod;
  /** OpenAPI path template: `/api/user/session/detail/{id}`. */
  path: string;
  summary: string;
  description?: string;
  auth: RouteAuth;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  response?: z.ZodType;
  /** false when the handler also accepts no body at all. */
  bodyRequired?: boolean;
  /** What a success carries: JSON (default), a server-sent event stream, NDJSON progress, CSV, plain text or nothing. */
  produces?: "json" | "sse" | "ndjson" | "csv" | "text" | "none";
  /** The success status (default 200). */
  status?: number;
  /** A request body to show in the document and on /docs. */
  example?: Record<string, unknown>;
};

export function describeRoute(doc: RouteDoc): RouteDoc {
  return doc;
}

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, Operation>>>;
  components: Record<string, Record<string, unknown>>;
};

const TAGS = [
  {
    prefix: "/api/v1/",
    name: "OpenAI-compatible",
    description:
      "The gateway: `Authorization: Bearer tg-…` (or `x-api-key`); also served under `/v1/…`. Errors in OpenAI's shape.",
  },
  {
    prefix: ["/api/auth/", "/sso"],
    name: "Accounts",
    description:
      "Sign-in (password, SSO handoff, OpenID Connect), the session cookie, bearer tokens for scripts, password reset. See docs/authentication.md.",
  },
  {
    prefix: "/api/user/",
    name: "User",
    description: "The caller's own limits, balance, history and keys (session cookie or the user's API key).",
  },
  { prefix: "/api/chat", name: "Chat app", description: "What the built-in chat page calls (session cookie)." },
  {
    prefix: "/api/admin/",
    name: "Admin",
    description: "Administration: an admin session, an admin API key or `ADMIN_API_KEY`.",
  },
  {
    prefix: "/compat/",
    name: "Compatibility",
    description:
      "The APIs of the five systems Tollgate replaces, at `/compat/<system>/<their path>`, with their own shapes and ways in. See docs/migrating.md.",
  },
  { prefix: "/api/int/", name: "Integrations", description: "Signed calls from other systems." },
  { prefix: "/api/", name: "Operations", description: "Health, readiness, metrics and this document." },
];

/** The JSON Schema of a zod schema: what a client sends ("input") or receives ("output"). */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as JsonSchema;
  void _dialect;
  return rest;
}

function tagOf(path: string): string {
  return TAGS.find((t) => [t.prefix].flat().some((p) => path.startsWith(p)))!.name;
}

/** `post` + `/api/admin/api-key/apply` → `postApiAdminApiKeyApply` (also the /docs anchors). */
export function operationId(method: HttpMethod, path: string): string {
  const words = path
    .replace(/[{}]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

function parameters(route: RouteDoc): unknown[] {
  const list: unknown[] = [];
  const pathProps = (route.params ? jsonSchemaOf(route.params, "input").properties : {}) as
    | Record<string, JsonSchema>
    | undefined;
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    list.push({ name, in: "path", required: true, schema: pathProps?.[name] ?? { type: "string" } });
  }
  if (route.query) {
    const schema = jsonSchemaOf(route.query, "input");
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
      list.push({ name, in: "query", required: required.has(name), schema: prop });
    }
  }
  return list;
}

const STREAMS = {
  sse: { type: "text/event-stream", description: "A server-sent event stream (`data: <JSON>` lines)" },
  ndjson: { type: "application/x-ndjson", description: "Progress as one JSON object per line" },
  csv: { type: "text/csv", description: "A CSV file" },
  text: { type: "text/plain", description: "Plain text" },
} as const;

function successResponse(route: RouteDoc): Record<string, unknown> {
  const produces = route.produces ?? "json";
  const status = String(route.status ?? (produces === "none" ? 204 : 200));
  if (produces === "none") return { [status]: { description: "Done (no content)" } };
  if (produces !== "json") {
    const { type, description } = STREAMS[produces];
    return { [status]: { description, content: { [type]: { schema: { type: "string" } } } } };
  }
  const schema = route.response ? jsonSchemaOf(route.response, "output") : { type: "object" };
  return { [status]: { description: "Success", content: { "application/json": { schema } } } };
}

function errorResponses(route: RouteDoc): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
  const error = route.path.startsWith("/api/v1/messages")
    ? "AnthropicError"
    : route.path.startsWith("/api/v1/")
      ? "OpenAIError"
      : "Error";
  const out: Record<string, unknown> = {};
  if (route.body || route.query || route.params) out["400"] = ref(error);
  if (route.auth !== "public") out["401"] = ref(error);
  if (route.auth === "admin" || route.auth === "metrics") out["403"] = ref(error);
  out.default = ref(error);
  return out;
}

const SECURITY: Record<RouteAuth, Array<Record<string, string[]>>> = {
  public: [],
  session: [{ sessionCookie: [] }],
  user: [{ sessionCookie: [] }, { bearerAuth: [] }, { basicAuth: [] }, { apiKeyHeader: [] }],
  admin: [{ sessionCookie: [] }, { bearerAuth: [] }, { apiKeyHeader: [] }],
  apiKey: [{ bearerAuth: [] }, { basicAuth: [] }, { apiKeyHeader: [] }],
  signed: [{ integrationSignature: [], integrationTimestamp: [] }],
  metrics: [{ metricsToken: [] }, { sessionCookie: [] }, { bearerAuth: [] }],
  // A seed system's own way in (HTTP Basic with a username, its login's bearer token, a signed SSO token): see the description.
  compat: [{ basicAuth: [] }, { bearerAuth: [] }],
};

function operation(route: RouteDoc, alias?: string): Operation {
  const description = [route.description, alias && `Same as \`${route.path}\` (rewritten).`]
    .filter(Boolean)
    .join("\n\n");
  return {
    operationId: operationId(route.method, alias ?? route.path),
    summary: route.summary,
    ...(description ? { description } : {}),
    tags: [tagOf(route.path)],
    security: SECURITY[route.auth],
    ...(route.body
      ? {
          requestBody: {
            required: route.bodyRequired ?? true,
            content: {
              "application/json": {
                schema: jsonSchemaOf(route.body, "input"),
                ...(route.example ? { example: route.example } : {}),
              },
            },
          },
        }
      : {}),
    parameters: parameters(route),
    responses: { ...successResponse(route), ...errorResponses(route) },
  };
}

export function buildOpenApiDocument(
  routes: RouteDoc[],
  opts: { version: string; errorSchema: z.ZodType; openAiErrorSchema: z.ZodType; anthropicErrorSchema: z.ZodType },
): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  const add = (path: string, route: RouteDoc, alias?: string) => {
    const item = (paths[path] ??= {});
    const method = route.method.toLowerCase() as Lowercase<HttpMethod>;
    if (item[method]) throw new Error(`OpenAPI: ${route.method} ${path} is described twice`);
    item[method] = operation(route, alias);
  };
  for (const route of routes) {
    add(route.path, route);
    // next.config.mjs rewrites /v1/* to /api/v1/*: OpenAI clients use the shorter base URL.
    if (route.path.startsWith("/api/v1/")) add(route.path.slice(4), route, route.path.slice(4));
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Tollgate API",
      version: opts.version,
      description:
        'A self-hosted AI gateway. `/api/v1/*` (also `/v1/*`) is OpenAI-compatible; everything else answers errors as `{ error: { code, message, field? } }`. Money is a decimal string (`"12.500000"`).',
    },
    servers: [{ url: "/", description: "This Tollgate server (OpenAI clients: base URL `<server>/v1`)" }],
    tags: TAGS.map(({ name, description }) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "Set by POST /api/auth/login (`__Secure-` prefixed over HTTPS).",
        },
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description:
            "An API key (`tg-…`; for admin routes an admin's admin key or `ADMIN_API_KEY`), or an access token from POST /api/auth/token (user routes, chat routes and /v1).",
        },
        basicAuth: {
          type: "http",
          scheme: "basic",
          description:
            '`email:password`, or `email:tg-…` (the user\'s API key). Same routes as bearer tokens; 401 carries `WWW-Authenticate: Basic realm="Tollgate"`.',
        },
        apiKeyHeader: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description: "The API key, as an alternative to the Authorization header.",
        },
        metricsToken: { type: "http", scheme: "bearer", description: "`METRICS_TOKEN`, for Prometheus scrapers." },
        integrationSignature: {
          type: "apiKey",
          in: "header",
          name: "x-tollgate-signature",
          description: "Hex HMAC-SHA256 of `<timestamp>.<body>` with `INTEGRATION_SECRET`.",
        },
        integrationTimestamp: {
          type: "apiKey",
          in: "header",
          name: "x-tollgate-timestamp",
          description: "Unix seconds; at most five minutes off.",
        },
      },
      responses: {
        Error: {
          description: "An error in Tollgate's shape",
          content: { "application/json": { schema: jsonSchemaOf(opts.errorSchema, "output") } },
        },
        OpenAIError: {
          description: "An error in OpenAI's shape",
          content: { "application/json": { schema: jsonSchemaOf(opts.openAiErrorSchema, "output") } },
        },
        AnthropicError: {
          description: "An error in Anthropic's shape (/v1/messages)",
          content: { "application/json": { schema: jsonSchemaOf(opts.anthropicErrorSchema, "output") } },
        },
      },
    },
  };
}
