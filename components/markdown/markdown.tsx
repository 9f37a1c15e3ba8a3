"use client";

import { memo } from "react";
import ReactMarkdown, { type Components, defaultUrlTransform } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block";
import { remarkHtmlAsText } from "./remark-html-as-text";
import { markdownSanitizeSchema } from "./sanitize-schema";
import "./markdown.css";

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  pre: CodeBlock,
};

/** Only http(s) and mailto URLs survive; anything else (javascript:, data:, vbscript:) becomes empty. */
function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  return /^(https?:|mailto:|#|\/)/i.test(cleaned) ? cleaned : "";
}

/**
 * Markdown from the model or the user, with GFM tables and highlighted code. Raw HTML is shown as
 * text and the result is sanitised, so no script, event handler or javascript: link can survive.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm, remarkHtmlAsText]}
        // Sanitise first, then highlight: the highlighter only adds spans with class names to text.
        rehypePlugins={[[rehypeSanitize, markdownSanitizeSchema], rehypeHighlight]}
        urlTransform={safeUrl}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
