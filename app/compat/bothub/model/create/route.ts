// POST /compat/bothub/model/create – Bothub's model {name, token_cost, api_link, auth_token}: its upstream and the model in one step (admins).
import { parseBody } from "@/lib/api/body";
import { created } from "@/lib/api/handler";
import { withBothubAdmin } from "@/lib/compat/bothub/handler";
import { bothubModelSchema } from "@/lib/compat/bothub/schemas";
import { bothubCreateModel } from "@/lib/compat/bothub/service";

export const POST = withBothubAdmin(async ({ req, caller }) =>
  created(await bothubCreateModel({ fields: await parseBody(req, bothubModelSchema), actor: caller })),
);
