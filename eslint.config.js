import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".next/",
      "lib/generated/",
      "data/",
      "test-results/",
      "playwright-report/",
      "bench/results/",
      ".tmp/",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        fetch: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        Response: "readonly",
        Request: "readonly",
        Headers: "readonly",
        ReadableStream: "readonly",
        structuredClone: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Unsafe raw SQL is never allowed: tagged-template $queryRaw/$executeRaw only.
      "no-restricted-properties": [
        "error",
        {
          property: "$queryRawUnsafe",
          message: "Use the tagged-template $queryRaw: parameters are bound, never spliced.",
        },
        {
          property: "$executeRawUnsafe",
          message: "Use the tagged-template $executeRaw: parameters are bound, never spliced.",
        },
      ],
    },
  },
);
