// The app ships as one wasm bundle per group of screens (frontend/src/bundles.rs): a
// page downloads only its own bundle, links and tabs that lead to another bundle's
// screen open it, Back returns, and nothing is fetched from another host.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, signIn, withPage } from "../support/browser.mjs";

/** The bundles whose wasm the page fetched since the last call, and every host asked. */
function watchRequests(page) {
  const bundles = [];
  const hosts = new Set();
  page.on("request", (request) => {
    const url = new URL(request.url());
    hosts.add(url.host);
    const match = url.pathname.match(/^\/pkg\/([a-z]+)\/tidings_frontend_bg\.wasm$/);
    if (match) bundles.push(match[1]);
  });
  return {
    hosts,
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

    await page.getByRole("tab", { name: "Contacts" }).click();
    await page.locator(".contacts-table tbody tr").first().waitFor();
    await page.getByRole("tab", { name: "Contacts", selected: true }).waitFor();
    assert.deepEqual(requests.take(), ["insight"]);

    await page.getByRole("tab", { name: "General" }).click();
    await page.getByRole("heading", { name: "General" }).waitFor();
    assert.deepEqual(requests.take(), [], "General is in both campaign bundles");

    await page.goBack();
    await page.getByRole("tab", { name: "Active", selected: true }).waitFor();
    await page.getByRole("link", { name: "Fall application reminder", exact: true }).waitFor();

    await page.getByRole("link", { name: "New campaign" }).click();
    await page.getByRole("heading", { name: "How do you want to start?" }).waitFor();
    await page.getByRole("link", { name: "Phone numbers" }).click();
    await page.getByRole("heading", { name: "Phone numbers", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Contact lists" }).click();
    await page.getByRole("heading", { name: "Contact lists", level: 1 }).waitFor();
    assert.deepEqual(requests.take(), ["home", "wizard", "settings", "lists"]);

    assert.deepEqual([...requests.hosts], [new URL(baseUrl).host], "no request to another host");
  });
});
