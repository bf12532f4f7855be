import { type Locator } from "@playwright/test";

/** One answer of the assistant, rendered as Markdown, and its code blocks' buttons. */
export class Answer {
  readonly body: Locator;
  readonly cost: Locator;

  /** `reply` is the answer's row in the conversation (`StudioPage.lastReply()`). */
  constructor(readonly reply: Locator) {
    this.body = reply.getByTestId("markdown");
    this.cost = reply.getByTestId("answer-cost");
  }

  codeBlock(n = 0): Locator {
    return this.body.getByTestId("code-block").nth(n);
  }

  /** The code of block `n`, as shown. */
  code(n = 0): Locator {
    return this.codeBlock(n).locator("pre code");
  }

  copy(n = 0): Locator {
    return this.codeBlock(n).getByTestId("copy-code");
  }

  insert(n = 0): Locator {
    return this.codeBlock(n).getByTestId("insert-code");
  }

  /**
   * What in the answer could run or leak: script-like elements, `on*` attributes, links that
   * are not http(s)/mailto, links without rel="noopener noreferrer", and anything with `src`.
   */
  async liveParts(): Promise<string[]> {
    return this.body.evaluate((root) => {
      const found: string[] = [];
      root.querySelectorAll("script, iframe, object, embed, img, style, link, meta, form, svg").forEach((el) =>
        found.push(`<${el.tagName.toLowerCase()}>`),
      );
      for (const el of [root, ...Array.from(root.querySelectorAll("*"))]) {
        for (const attr of Array.from(el.attributes)) {
          const name = attr.name.toLowerCase();
          if (name.startsWith("on") || name === "src" || name === "style" || name === "srcdoc") {
            found.push(`${el.tagName.toLowerCase()}[${name}]`);
          }
        }
      }
      root.querySelectorAll("a").forEach((a) => {
        const href = a.getAttribute("href");
        if (href !== null && !/^(https?:|mailto:)/i.test(href)) found.push(`a[href=${href}]`);
        if (href !== null && a.getAttribute("rel") !== "noopener noreferrer") found.push(`a[rel=${a.getAttribute("rel")}]`);
      });
      return found;
    });
  }
}
