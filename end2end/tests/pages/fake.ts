import { expect, type Page } from "@playwright/test";
import { fakeRoot } from "../../playwright.config";

/** One message of a chat completion as the fake received it. */
export type SentMessage = { role: string; content: string };

/**
 * The messages of the newest chat completion the fake received that ends with the user's
 * `question`, waiting until one arrives. Tests run in parallel against one fake, so "the
 * newest call" alone may be another test's: give each test's question words of its own.
 */
export async function chatAsking(page: Page, question: string): Promise<SentMessage[]> {
  let found: SentMessage[] = [];
  await expect
    .poll(async () => {
      const res = await page.request.get(`${fakeRoot}/__fake/requests`);
      const log = (await res.json()) as { path: string; body: { messages?: SentMessage[] } }[];
      const mine = log.filter((r) => {
        const last = r.body?.messages?.at(-1);
        return r.path === "/api/v1/chat/completions" && last?.role === "user" && last.content === question;
      });
      found = mine[mine.length - 1]?.body.messages ?? [];
      return found.length;
    })
    .toBeGreaterThan(0);
  return found;
}
