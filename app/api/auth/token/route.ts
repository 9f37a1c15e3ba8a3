// POST /api/auth/token – bearer tokens for scripts: email + password (JSON, or OAuth2's form-encoded password grant), or a refresh token.

import { parseWith } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { readTokenRequest, tokenGrant } from "@/lib/auth/token-grant";
import { tokenRequestSchema } from "@/lib/validations/auth";

export const POST = withPublic(async ({ req }) => {
  const input = parseWith(tokenRequestSchema, await readTokenRequest(req));
  return tokenGrant(req, input);
});
