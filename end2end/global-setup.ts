// Playwright's webServer already waits for /health; this adds a bounded check that the built site
// (the WASM bundle, and the code editor's bundle) is being served, so a missing
// `cargo leptos build` or editor bundle fails with a clear message.
import type { FullConfig } from "@playwright/test";

export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL as string;
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline) {
    let wasm: Response | undefined;
    try {
      wasm = await fetch(`${baseURL}/pkg/studio.wasm`);
      last = `HTTP ${wasm.status}`;
    } catch (e) {
      last = String(e);
    }
    if (wasm?.ok) {
      // .ci/setup.sh bundles the editor into public/editor/, which the build copies into the site.
      const editor = await fetch(`${baseURL}/editor/studio-editor.js`);
      if (editor.ok) return;
      throw new Error(
        `the code editor's bundle is not served (HTTP ${editor.status}); run bash -c 'source .ci/setup.sh', then cargo leptos build`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the site's WASM bundle is not served (${last}); run cargo leptos build --release first`);
}
