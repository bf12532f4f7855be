// Playwright's webServer already waits for /health; this adds a bounded check that the built site
// (the WASM bundle) is being served, so a missing `cargo leptos build` fails with a clear message.
import type { FullConfig } from "@playwright/test";

export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL as string;
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseURL}/pkg/studio.wasm`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the site's WASM bundle is not served (${last}); run cargo leptos build --release first`);
}
