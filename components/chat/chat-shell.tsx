"use client";

import { usePathname, useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { useSessionList } from "@/lib/hooks/use-session-list";
import { Sidebar } from "./sidebar";

type Shell = {
  /** Changes whenever the user asks for a new chat, so the empty chat is a fresh one. */
  newChatKey: number;
  startNewChat: () => void;
  refreshSessions: () => void;
  openSidebar: () => void;
};

const ShellContext = createContext<Shell | null>(null);

export function useChatShell(): Shell {
  const shell = useContext(ShellContext);
  if (!shell) throw new Error("useChatShell must be used inside <ChatShell>");
  return shell;
}

/** The chat pages' frame: the conversation list (a drawer on phones) beside the open chat. */
export function ChatShell({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const sessions = useSessionList();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [newChatKey, setNewChatKey] = useState(0);
  const [prevPath, setPrevPath] = useState(pathname);
  if (prevPath !== pathname) {
    setPrevPath(pathname);
    setDrawerOpen(false);
  }
  const activeId = pathname.startsWith("/chat/") ? decodeURIComponent(pathname.slice("/chat/".length)) : null;

  const startNewChat = useCallback(() => {
    setNewChatKey((k) => k + 1);
    setDrawerOpen(false);
    router.push("/");
  }, [router]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === "o") {
        e.preventDefault();
        startNewChat();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [startNewChat]);

  const { refresh } = sessions;
  const shell = useMemo(
    () => ({ newChatKey, startNewChat, refreshSessions: refresh, openSidebar: () => setDrawerOpen(true) }),
    [newChatKey, startNewChat, refresh],
  );

  return (
    <ShellContext.Provider value={shell}>
      <div className="relative flex h-full min-h-0">
        {drawerOpen && (
          <button
            type="button"
            aria-label="Close the conversation list"
            className="fixed inset-0 z-30 bg-black/40 md:hidden"
            onClick={() => setDrawerOpen(false)}
          />
        )}
        <Sidebar
          sessions={sessions}
          activeId={activeId}
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          onNewChat={startNewChat}
        />
        <div className="flex min-w-0 flex-1 flex-col">{children}</div>
      </div>
    </ShellContext.Provider>
  );
}
