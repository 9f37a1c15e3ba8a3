// /docs renders every documented operation on the server, and links the raw document.

import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ApiDocsPage from "@/app/docs/page";
import { openApiDocument } from "@/lib/openapi/document";

describe("/docs", () => {
  const html = renderToStaticMarkup(ApiDocsPage());

  it("lists every path and operation of the document", () => {
    const doc = openApiDocument();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        expect(html, path).toContain(`id="${(op as { operationId: string }).operationId}"`);
      }
      expect(html).toContain(`>${path.replace(/&/g, "&amp;")}</code>`);
    }
  });

  it("shows fields, constraints and who may call", () => {
    expect(html).toContain('href="/api/openapi.json"');
    const apply = html.slice(html.indexOf('id="postApiAdminApiKeyApply"'));
    expect(apply.slice(0, 4000)).toMatch(/<code class="font-semibold">email<\/code>.*required/);
    expect(html).toMatch(/bearer key/);
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });

  it("shows what a route answers, field by field", () => {
    const list = html.slice(html.indexOf('id="getApiAdminApiKeyList"'));
    const card = list.slice(0, list.indexOf("</article>"));
    expect(card).toContain("JSON answer");
    expect(card).toMatch(/<code class="font-semibold">items<\/code>.*<code class="font-semibold">lastUsedAt<\/code>/s);
  });

  it("points the /v1 rewrites at their /api/v1 entries", () => {
    const alias = html.slice(html.indexOf('id="postV1ChatCompletions"'));
    expect(alias.slice(0, 1500)).toContain('href="#postApiV1ChatCompletions"');
  });
});
