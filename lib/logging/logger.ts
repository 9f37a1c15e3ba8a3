import "server-only";
import pino from "pino";

// Structured JSON logs. Anything that could carry a secret is redacted by path, and key material
// is only ever logged as its visible prefix.
export const logger = pino({
  level: process.env.LOG_LEVEL || (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { service: "tollgate" },
  redact: {
    paths: [
      "authorization",
      "*.authorization",
      "headers.authorization",
      "headers['x-api-key']",
      "*.password",
      "*.passwordHash",
      "*.apiKey",
      "*.key",
      "*.hash",
      "*.apiKeyEnc",
      "*.awsSecretKeyEnc",
      "*.secret",
    ],
    censor: "[redacted]",
  },
});
