import { type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./auth";

/** The studio page with the AI assistant panel. */
export class StudioPage {
  readonly setupPrompt: Locator;
  readonly input: Locator;
  readonly send: Locator;
  readonly log: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    const panel = page.getByTestId("ai-assistant");
    this.setupPrompt = panel.getByTestId("setup-prompt");
    this.input = panel.getByLabel("Ask the assistant");
    this.send = panel.getByRole("button", { name: /Send|Answering/ });
    this.log = panel.getByTestId("chat-log");
    this.error = panel.getByTestId("assistant-error");
  }

  async goto() {
    await this.page.goto("/studio");
    await waitForHydration(this.page);
  }

  lastReply(): Locator {
    return this.log.locator("li[data-role='assistant']").last();
  }
}
