// POST /compat/bothub/chat/create – a new chat → {chatUid}.
import { created } from "@/lib/api/handler";
import { withBothubUser } from "@/lib/compat/bothub/handler";
import { bothubCreateChat } from "@/lib/compat/bothub/service";

export const POST = withBothubUser(async ({ caller }) => created(await bothubCreateChat(caller)));
