import { expect, type Locator, type Page } from "@playwright/test";

/** The home page, as a person sees it. */
export class HomePage {
  readonly heading: Locator;
  readonly nav: Locator;
  readonly checkButton: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1, name: "AiAppsy Web Studio" });
    this.nav = page.getByRole("navigation", { name: "Main" });
    this.checkButton = page.getByRole("button", { name: "Check the server" });
    this.status = page.getByTestId("server-status");
  }

  async goto() {
    await this.page.goto("/");
  }

  /** Waits until the WASM has hydrated the page. */
  async waitForHydration() {
    await expect(this.page.locator("body[data-hydrated='true']")).toHaveCount(1);
  }
}
