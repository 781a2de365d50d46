// The app ships as one wasm bundle per group of screens (frontend/src/bundles.rs): a
// page downloads only its own bundle, links, tabs and wizard steps that lead to another
// bundle's screen open it (the wizard keeping its work), Back returns, each bundle
// arrives compressed within the 400 KB budget, and nothing is fetched from another host.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, signIn, withPage } from "../support/browser.mjs";

/** Budget for the wasm and js a page downloads, compressed as sent (issue 7). */
const BUDGET_BYTES = 400_000;

/** The bundles whose wasm the page fetched since the last call, every host asked, and
 * each bundle's files as they crossed the wire. */
function watchRequests(page) {
  const bundles = [];
  const hosts = new Set();
  const files = new Map();
  page.on("request", (request) => {
    const url = new URL(request.url());
    hosts.add(url.host);
    const match = url.pathname.match(/^\/pkg\/([a-z-]+)\/tidings_frontend_bg\.wasm$/);
    if (match) bundles.push(match[1]);
  });
  page.on("requestfinished", async (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith("/pkg/")) return;
    const response = await request.response();
    const sizes = await request.sizes();
    if (response && sizes.responseBodySize > 0) {
      files.set(url.pathname, { encoding: response.headers()["content-encoding"], bytes: sizes.responseBodySize });
    }
  });
  return {
    hosts,
    files,
    take() {
      return bundles.splice(0, bundles.length);
    },
  };
}

test("each page loads only its own bundle; links and tabs between bundles open, and Back returns", async () => {
  await withPage("bundles", async (page) => {
    const requests = watchRequests(page);
    await signIn(page, "manager@demo.test");
    await page.goto(`${baseUrl}/campaigns?tab=active`);
    await page.getByRole("tab", { name: "Active", selected: true }).waitFor();
    assert.deepEqual([...new Set(requests.take())], ["home"]);

    await page.getByRole("link", { name: "Fall application reminder", exact: true }).click();
    await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();
    await page.locator(".conversation-section").first().waitFor();
    assert.deepEqual(requests.take(), ["campaign"]);

    await page.getByRole("tab", { name: "General" }).click();
    await page.getByRole("heading", { name: "General" }).waitFor();
    assert.deepEqual(requests.take(), ["insight"]);

    await page.getByRole("tab", { name: "Contacts" }).click();
    await page.locator(".contacts-table tbody tr").first().waitFor();
    await page.getByRole("tab", { name: "Contacts", selected: true }).waitFor();
    assert.deepEqual(requests.take(), [], "General, Contacts and Analytics share a bundle");

    await page.goBack();
    await page.getByRole("tab", { name: "Active", selected: true }).waitFor();
    await page.getByRole("link", { name: "Fall application reminder", exact: true }).waitFor();

    await page.getByRole("link", { name: "Inbox" }).click();
    await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
    assert.deepEqual(requests.take(), ["home", "inbox"]);

    // The wizard's steps are spread over four bundles; its work goes along.
    await page.getByRole("link", { name: "Campaigns" }).click();
    await page.getByRole("link", { name: "New campaign" }).click();
    await page.getByRole("heading", { name: "How do you want to start?" }).waitFor();
    await page.getByRole("button", { name: "Start from scratch" }).click();
    await page.getByLabel("Title").fill("Across the wizard's bundles");
    const next = async (heading) => {
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByRole("heading", { name: heading }).waitFor();
    };
    await next("Contact list");
    await next("Number");
    await next("Message");
    await page.getByRole("textbox", { name: "Message" }).fill("Hello from every bundle");
    await next("Operator");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: "Review and launch" }).waitFor();
    const review = page.locator(".wizard-panel");
    await review.getByText("Across the wizard's bundles").waitFor();
    await review.getByText("Hello from every bundle").waitFor();
    assert.deepEqual(requests.take(), ["home", "wizard", "wizard-list", "wizard", "wizard-message", "wizard-launch"]);
    assert.equal(new URL(page.url()).searchParams.get("step"), "launch");
    await page.getByRole("navigation", { name: "Campaign creation steps" }).getByRole("button", { name: "General" }).click();
    await page.getByRole("heading", { name: "General" }).waitFor();
    assert.equal(await page.getByLabel("Title").inputValue(), "Across the wizard's bundles");

    await page.getByRole("link", { name: "Phone numbers" }).click();
    await page.getByRole("heading", { name: "Phone numbers", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Contact lists" }).click();
    await page.getByRole("heading", { name: "Contact lists", level: 1 }).waitFor();
    assert.deepEqual(requests.take(), ["wizard", "settings", "lists"]);

    // Every bundle came compressed, and none is over the budget.
    const perBundle = new Map();
    for (const [path, file] of requests.files) {
      assert.ok(["gzip", "br"].includes(file.encoding), `${path} was sent with encoding ${file.encoding}`);
      const bundle = path.split("/")[2];
      perBundle.set(bundle, (perBundle.get(bundle) ?? 0) + file.bytes);
    }
    assert.equal(perBundle.size, 10, [...perBundle.keys()].join(", "));
    for (const [bundle, bytes] of perBundle) {
      assert.ok(bytes <= BUDGET_BYTES, `the ${bundle} bundle is ${bytes} bytes`);
    }

    assert.deepEqual([...requests.hosts], [new URL(baseUrl).host], "no request to another host");
  });
});
