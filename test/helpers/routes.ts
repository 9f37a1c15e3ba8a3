// Every documented API route with the handler Next.js would call for it, loaded from app/api on
// disk — for tests that walk all routes (fuzzing, secret scans, injection strings).
import path from "node:path";
import type { RouteDoc } from "@/lib/openapi/registry";
import { apiRoutes } from "@/lib/openapi/routes";

export type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type LoadedRoute = { doc: RouteDoc; handler: RouteHandler };

const app = path.resolve(import.meta.dirname, "../../app");

/** `/api/user/keys/{id}/revoke` → app/api/user/keys/[id]/revoke/route.ts; `/sso` → app/sso/route.ts */
function routeFile(apiPath: string): string {
  const segments = apiPath.split("/").filter(Boolean);
  return path.join(app, ...segments.map((s) => s.replace(/^\{(\w+)\}$/, "[$1]")), "route.ts");
}

export async function loadApiRoutes(filter: (doc: RouteDoc) => boolean = () => true): Promise<LoadedRoute[]> {
  const loaded: LoadedRoute[] = [];
  for (const doc of apiRoutes.filter(filter)) {
    const mod = (await import(routeFile(doc.path))) as Record<string, RouteHandler | undefined>;
    const handler = mod[doc.method];
    if (!handler) throw new Error(`${routeFile(doc.path)} exports no ${doc.method}`);
    loaded.push({ doc, handler });
  }
  return loaded;
}

/** The path parameters of a route, each set to `value`. */
export function pathParams(doc: RouteDoc, value: string | ((name: string) => string)): Record<string, string> {
  return Object.fromEntries(
    [...doc.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, typeof value === "string" ? value : value(name)]),
  );
}
