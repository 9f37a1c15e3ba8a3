/** Three bouncing dots from the moment a message is sent until the answer's first words arrive. */
export function TypingIndicator() {
  return (
    <div
      data-testid="typing-indicator"
      role="status"
      aria-label="Waiting for the answer"
      className="flex h-6 items-center gap-1 text-zinc-400"
    >
      <span className="h-2 w-2 animate-bounce rounded-full bg-current" />
      <span className="h-2 w-2 animate-bounce rounded-full bg-current [animation-delay:150ms]" />
      <span className="h-2 w-2 animate-bounce rounded-full bg-current [animation-delay:300ms]" />
    </div>
  );
}
