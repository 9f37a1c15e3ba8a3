import { z } from "zod";
import type { loginOrThrow } from "@/lib/auth/login";
import type { signOutEverywhere } from "@/lib/auth/sign-out";
import type { TokenResponse } from "@/lib/auth/tokens";
import type { setTokensByExternalId } from "@/lib/integration/tokens";
import type { getCurrentUserOrThrow } from "@/lib/users/queries";
import type { Json } from "../json";
import { limitView, publicUser, role } from "./common";
import type { Answer, Equals, Expect, Sent } from "./exact";

// What the account routes (sign-in, tokens, passwords) and the integration route answer.

export const okResponse = z.object({ ok: z.literal(true) });
export const okMessageResponse = okResponse.extend({ message: z.string() });

export const signedInResponse = z.object({ user: publicUser });

/** 201 with the new account, signed in; or 202 and a message when the address must be confirmed first. */
export const registeredResponse = z.union([signedInResponse, okMessageResponse]);

/** The signed-in user; `ADMIN_API_KEY` has no account, so its id, group and creation time are null. */
export const meResponse = z.object({
  user: z.union([
    publicUser,
    z.object({
      id: z.null(),
      email: z.string(),
      name: z.string(),
      role,
      status: z.string(),
      groupId: z.null(),
      createdAt: z.null(),
    }),
  ]),
});

export const logoutResponse = okResponse.extend({ redirect: z.string().describe("Where to go: LOGIN_URL or /login") });
export const signedOutEverywhereResponse = z.object({ revoked: z.number() });

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().describe("Seconds"),
  refresh_token: z.string().describe("Works once; presenting a used one revokes every token of that sign-in"),
});

export const integrationTokensResponse = z.object({
  user: z.object({ id: z.string(), email: z.string(), external_id: z.string() }),
  created: z.boolean(),
  limits: limitView,
});

// Each schema is exactly what its lib function answers (tsc fails otherwise).
type _Exact = [
  Expect<Equals<z.output<typeof signedInResponse>, { user: Answer<typeof loginOrThrow> }>>,
  Expect<Equals<z.output<typeof meResponse>, { user: Sent<Answer<typeof getCurrentUserOrThrow>> }>>,
  Expect<Equals<z.output<typeof signedOutEverywhereResponse>, Answer<typeof signOutEverywhere>>>,
  Expect<Equals<z.output<typeof tokenResponse>, Json<TokenResponse>>>,
  Expect<Equals<z.output<typeof integrationTokensResponse>, Answer<typeof setTokensByExternalId>>>,
];
