import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/components/markdown/markdown";

const render = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe("Markdown", () => {
  it("renders GFM tables and highlighted code", () => {
    const html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst x = 1;\n```");
    expect(html).toContain("<table>");
    expect(html).toContain('<span class="hljs-keyword">const</span>');
  });

  it.each([
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.test></iframe>",
    '<div onclick="alert(1)">x</div>',
    "<svg><animate onbegin=alert(1)></svg>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
  ])("leaves nothing executable of %s", (payload) => {
    const html = render(`before ${payload} after`);
    // Only the tags matter: the payload itself may well show as (escaped) text.
    const tags = html.match(/<[^>]+>/g) ?? [];
    for (const tag of tags) {
      expect(tag).not.toMatch(/^<\/?(script|iframe|svg|object|embed|animate|style)\b/i);
      expect(tag).not.toMatch(/\son\w+=/i);
      expect(tag).not.toMatch(/\s(href|src)="(?!https?:|mailto:)/i);
    }
    expect(html).toContain("before");
  });

  it("shows raw HTML as the text it is", () => {
    expect(render("<b>bold?</b>")).toContain("&lt;b&gt;bold?&lt;/b&gt;");
  });

  it("keeps ordinary links, opening in a new tab without referrer", () => {
    expect(render("[docs](https://example.com/a)")).toContain(
      '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer nofollow">docs</a>',
    );
  });
});
