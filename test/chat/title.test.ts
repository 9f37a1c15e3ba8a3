import { describe, expect, it } from "vitest";
import { titleFromText } from "@/lib/chat/messages";
import { cleanTitle } from "@/lib/chat/title";

describe("conversation titles", () => {
  it("start as the first message on one line, at most 80 characters", () => {
    expect(titleFromText("  Hello\n\nthere  ")).toBe("Hello there");
    expect(titleFromText("x".repeat(100))).toHaveLength(80);
    expect(titleFromText("   ")).toBe("New chat");
  });

  it("from the model lose quotes, a 'Title:' prefix, end punctuation and extra lines; a ramble is cut to six words", () => {
    expect(cleanTitle('"Planning a trip to Lisbon."')).toBe("Planning a trip to Lisbon");
    expect(cleanTitle("Title: **Rust borrow checker basics**\nMore text")).toBe("Rust borrow checker basics");
    expect(cleanTitle("one two three four five six seven eight nine ten")).toBe("one two three four five six");
    expect(cleanTitle("\n\n")).toBe("");
  });
});
