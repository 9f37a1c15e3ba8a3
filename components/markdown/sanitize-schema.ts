import { defaultSchema, type Options as SanitizeSchema } from "rehype-sanitize";

// GitHub's sanitising rules: no script/style/iframe, no on* attributes, links and images only over
// http(s) (mailto for links). Raw HTML never reaches this point (see remark-html-as-text), so this
// is the second line of defence, for markdown that produces unsafe URLs such as [x](javascript:…).
export const markdownSanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  protocols: {
    ...defaultSchema.protocols,
    href: ["http", "https", "mailto"],
    src: ["http", "https"],
  },
};
