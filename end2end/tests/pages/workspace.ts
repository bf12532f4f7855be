import { expect, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./auth";

/** The studio's workspace list and a workspace's editor. */
export class WorkspacePage {
  readonly editor: Locator;
  readonly complete: Locator;
  readonly generate: Locator;
  readonly prompt: Locator;

  constructor(readonly page: Page) {
    this.editor = page.getByTestId("code-editor");
    this.complete = page.getByTestId("complete");
    this.generate = page.getByTestId("generate");
    this.prompt = page.getByLabel("Generate from a prompt");
  }

  async create(name: string) {
    const form = this.page.getByTestId("create-workspace");
    await form.getByLabel("Name").fill(name);
    await form.getByRole("button", { name: "Create workspace" }).click();
    await expect(this.page.getByTestId("workspace-list").getByRole("link", { name })).toBeVisible();
  }

  async open(name: string) {
    await this.page.getByTestId("workspace-list").getByRole("link", { name }).click();
    await expect(this.editor).toBeVisible();
    await waitForHydration(this.page);
  }

  /** Types `code` and puts the cursor at `cursor` (a character index). */
  async write(code: string, cursor: number) {
    await this.editor.fill(code);
    await this.editor.evaluate((el, at) => {
      const t = el as HTMLTextAreaElement;
      t.focus();
      t.setSelectionRange(at, at);
    }, cursor);
  }
}
