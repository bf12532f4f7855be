import { expect, type Locator, type Page } from "@playwright/test";

/** The kept conversations above the assistant on a workspace page. */
export class ConversationsBar {
  readonly bar: Locator;
  readonly pick: Locator;
  readonly current: Locator;
  readonly newConversation: Locator;
  readonly rename: Locator;
  readonly title: Locator;
  readonly remove: Locator;
  readonly confirm: Locator;
  readonly log: Locator;

  constructor(readonly page: Page) {
    const panel = page.getByTestId("ai-assistant");
    this.bar = panel.getByTestId("conversations");
    this.pick = this.bar.getByLabel("Conversation");
    this.current = this.pick.locator("option:checked");
    this.newConversation = this.bar.getByTestId("new-conversation");
    this.rename = this.bar.getByTestId("rename-conversation");
    this.title = this.bar.getByLabel("New title");
    this.remove = this.bar.getByTestId("delete-conversation");
    this.confirm = this.bar.getByTestId("confirm-delete");
    this.log = panel.getByTestId("chat-log");
  }

  /** Asks `prompt` and waits for the whole answer; returns its text (without who and cost). */
  async ask(prompt: string): Promise<string> {
    const panel = this.page.getByTestId("ai-assistant");
    await panel.getByLabel("Ask the assistant").fill(prompt);
    await panel.getByRole("button", { name: "Send" }).click();
    await expect(panel.getByRole("button", { name: "Send" })).toBeEnabled();
    const answer = this.log.locator("li[data-role='assistant']").last();
    await expect(answer.getByTestId("answer-cost")).not.toBeEmpty();
    return this.answerText(answer);
  }

  /** An answer's text as shown (the rendered Markdown, without who and cost). */
  async answerText(answer: Locator): Promise<string> {
    return (await answer.getByTestId("markdown").innerText()).trim();
  }

  /** The last answer shown. */
  lastAnswer(): Locator {
    return this.log.locator("li[data-role='assistant']").last();
  }

  /** The prompts shown, oldest first. */
  prompts(): Locator {
    return this.log.locator("li[data-role='user']");
  }

  async renameTo(title: string) {
    await this.rename.click();
    await this.title.fill(title);
    await this.bar.getByRole("button", { name: "Save title" }).click();
    await expect(this.current).toHaveText(title);
  }

  async switchTo(title: string) {
    await this.pick.selectOption({ label: title });
    await expect(this.current).toHaveText(title);
  }
}
