// /docs – the API reference, rendered on the server from the OpenAPI document (no CDN, works offline).
import type { Metadata } from "next";
import { openApiDocument } from "@/lib/openapi/document";
import { type HttpMethod, operationId } from "@/lib/openapi/registry";
import { type JsonSchema, Prose, SchemaFields, typeLabel } from "./schema-fields";

export const metadata: Metadata = { title: "API reference · Tollgate" };

type Parameter = { name: string; in: string; required: boolean; schema: JsonSchema };
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema; example?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: JsonSchema }> }>;
};

const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  post: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  patch: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  put: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  delete: "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300",
};

const AUTH_LABEL: Record<string, string> = {
  sessionCookie: "session",
  bearerAuth: "bearer key",
  apiKeyHeader: "x-api-key",
  metricsToken: "METRICS_TOKEN",
  integrationSignature: "HMAC signature",
};

function authLabel(security: Operation["security"]): string {
  if (security.length === 0) return "public";
  return [
    ...new Set(
      security
        .flatMap((s) => Object.keys(s))
        .map((k) => AUTH_LABEL[k])
        .filter(Boolean),
    ),
  ].join(" · ");
}

function anchor(tag: string): string {
  return tag.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

export default function ApiDocsPage() {
  const doc = openApiDocument();
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op: op as unknown as Operation })),
  );
  return (
    <main className="mx-auto max-w-5xl px-4 py-8">
      <header className="mb-6 border-b border-zinc-200 pb-4 dark:border-zinc-800">
        <h1 className="text-2xl font-semibold">{doc.info.title}</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Version {doc.info.version} · OpenAPI {doc.openapi} ·{" "}
          <a className="text-sky-700 underline dark:text-sky-400" href="/api/openapi.json">
            openapi.json
          </a>
        </p>
        <p className="mt-3 text-sm">
          <Prose text={doc.info.description} />
        </p>
        <nav className="mt-4 flex flex-wrap gap-2 text-sm">
          {doc.tags.map((t) => (
            <a
              key={t.name}
              href={`#${anchor(t.name)}`}
              className="rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-900"
            >
              {t.name}
            </a>
          ))}
        </nav>
      </header>
      {doc.tags.map((tag) => (
        <section key={tag.name} id={anchor(tag.name)} className="mb-10">
          <h2 className="text-xl font-semibold">{tag.name}</h2>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            <Prose text={tag.description} />
          </p>
          {operations
            .filter(({ op }) => op.tags.includes(tag.name))
            .map(({ path, method, op }) => (
              <OperationCard key={op.operationId} path={path} method={method} op={op} />
            ))}
        </section>
      ))}
    </main>
  );
}

// next.config.mjs rewrites /v1/* to /api/v1/*: the alias gets a line pointing at the full entry.
function AliasCard({ path, method, op }: { path: string; method: string; op: Operation }) {
  const target = `/api${path}`;
  return (
    <article
      id={op.operationId}
      className="mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-dashed border-zinc-300 px-4 py-2 text-sm dark:border-zinc-700"
    >
      <span className={`rounded px-2 py-0.5 font-mono text-xs font-bold uppercase ${METHOD_STYLE[method] ?? ""}`}>
        {method}
      </span>
      <code className="font-mono">{path}</code>
      <span className="text-zinc-600 dark:text-zinc-400">
        same as{" "}
        <a
          className="font-mono text-sky-700 underline dark:text-sky-400"
          href={`#${operationId(method.toUpperCase() as HttpMethod, target)}`}
        >
          {target}
        </a>
      </span>
    </article>
  );
}

function OperationCard({ path, method, op }: { path: string; method: string; op: Operation }) {
  if (path.startsWith("/v1/")) return <AliasCard path={path} method={method} op={op} />;
  const body = op.requestBody?.content["application/json"]?.schema;
  const example = op.requestBody?.content["application/json"]?.example;
  const [status, success] = Object.entries(op.responses).find(([code]) => code.startsWith("2")) ?? [];
  const successType = success?.content ? Object.keys(success.content)[0] : null;
  const answer = success?.content?.["application/json"]?.schema;
  return (
    <article id={op.operationId} className="mb-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-2 py-0.5 font-mono text-xs font-bold uppercase ${METHOD_STYLE[method] ?? ""}`}>
          {method}
        </span>
        <code className="font-mono text-sm">{path}</code>
        <span className="ml-auto rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
          {authLabel(op.security)}
        </span>
      </div>
      <p className="mt-2 text-sm">{op.summary}</p>
      {op.description && (
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          <Prose text={op.description} />
        </p>
      )}
      {op.parameters.length > 0 && (
        <div className="mt-3">
          <h3 className="text-xs font-semibold uppercase text-zinc-500">Parameters</h3>
          <ul>
            {op.parameters.map((p) => (
              <li key={`${p.in}:${p.name}`} className="py-0.5 text-sm">
                <code className="font-semibold">{p.name}</code>
                <span className="ml-2 text-xs text-zinc-500">{p.in}</span>
                <span className="ml-2 font-mono text-xs text-sky-700 dark:text-sky-400">{typeLabel(p.schema)}</span>
                {p.required && <span className="ml-2 text-xs font-medium text-rose-600">required</span>}
                {p.schema.default !== undefined && (
                  <span className="ml-2 text-xs text-zinc-500">default {JSON.stringify(p.schema.default)}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {body && (
        <div className="mt-3">
          <h3 className="text-xs font-semibold uppercase text-zinc-500">JSON body</h3>
          <SchemaFields schema={body} />
        </div>
      )}
      {example !== undefined && (
        <div className="mt-3">
          <h3 className="text-xs font-semibold uppercase text-zinc-500">Example</h3>
          <pre className="mt-1 overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-900">
            {JSON.stringify(example, null, 2)}
          </pre>
        </div>
      )}
      {answer?.properties && (
        <details className="mt-3">
          <summary className="cursor-pointer text-xs font-semibold uppercase text-zinc-500">JSON answer</summary>
          <SchemaFields schema={answer} />
        </details>
      )}
      {status && (
        <p className="mt-3 text-xs text-zinc-500">
          {status} · {success?.description}
          {successType && ` · ${successType}`}
        </p>
      )}
    </article>
  );
}
