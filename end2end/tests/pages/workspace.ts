import { expect, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./auth";

/** The studio's workspace list and a workspace's code editor (CodeMirror once hydrated). */
export class WorkspacePage {
  /** The editor as a whole: the server's textarea, then CodeMirror in its place. */
  readonly editor: Locator;
  /** CodeMirror's editing area (its `.cm-content`). */
  readonly input: Locator;
  /** The line-number gutter. */
  readonly lineNumbers: Locator;
  readonly saveStatus: Locator;
  readonly complete: Locator;
  readonly generate: Locator;
  readonly prompt: Locator;

  constructor(readonly page: Page) {
    this.editor = page.getByTestId("code-editor");
    this.input = this.editor.getByTestId("code-input");
    this.lineNumbers = this.editor.locator(".cm-lineNumbers");
    this.saveStatus = page.getByTestId("save-status");
    this.complete = page.getByTestId("complete");
    this.generate = page.getByTestId("generate");
    this.prompt = page.getByLabel("Generate from a prompt");
  }

  async create(name: string, language = "rust") {
    const form = this.page.getByTestId("create-workspace");
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Language").selectOption(language);
    await form.getByRole("button", { name: "Create workspace" }).click();
    await expect(this.page.getByTestId("workspace-list").getByRole("link", { name })).toBeVisible();
  }

  /** Opens a workspace from the list and waits until CodeMirror has replaced the textarea. */
  async open(name: string) {
    await this.page.getByTestId("workspace-list").getByRole("link", { name }).click();
    await this.ready();
  }

  /** Waits for the page's hydration and the editor. */
  async ready() {
    await waitForHydration(this.page);
    await expect(this.input).toBeVisible();
  }

  /** The code as the editor holds it. */
  async code(): Promise<string> {
    return this.editor.evaluate((el) => (window as any).StudioEditor.find(el).doc() as string);
  }

  /** Replaces the code at once (as a paste would) and puts the cursor at `cursor` (a UTF-16 index). */
  async write(code: string, cursor: number) {
    await this.editor.evaluate(
      (el, [text, at]) => {
        const editor = (window as any).StudioEditor.find(el);
        editor.setDoc(text);
        editor.select(at);
        editor.focus();
      },
      [code, cursor] as const,
    );
  }

  /** Selects from `from` to `to` (UTF-16 indexes; equal: places the cursor). */
  async select(from: number, to = from) {
    await this.editor.evaluate(
      (el, [a, b]) => (window as any).StudioEditor.find(el).select(a, b),
      [from, to] as const,
    );
  }

  /** Line `n` (from 1) of the code as shown. */
  line(n: number): Locator {
    return this.input.locator(".cm-line").nth(n - 1);
  }

  /** The shown tokens of a highlighting class (`keyword`, `string`…; @lezer/highlight's `tok-*`). */
  tokens(kind: string): Locator {
    return this.input.locator(`.tok-${kind}`);
  }
}
