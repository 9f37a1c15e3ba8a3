import { NewChat } from "@/components/chat/new-chat";

export const metadata = { title: "Chat · Tollgate" };

export default function NewChatPage() {
  return <NewChat />;
}
