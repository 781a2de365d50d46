// Bulk actions as staff use them against the seeded demo: tick three conversations in
// the Activity tab of "Fall application reminder" and tag them at once; "Select all
// that match" counts the whole filter, and Opt out asks once, naming that count (the
// test cancels). The inbox selects every conversation of its view the same way. The
// tags are taken off again at the end, as the test found them.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, signIn, withPage } from "../support/browser.mjs";

const campaignTitle = "Fall application reminder";
const tag = "Bulk batch";

test("three conversations are tagged at once, and Opt out names the whole filter's count", async () => {
  await withPage("bulk-activity", async (page) => {
    await signIn(page, "manager@demo.test");
    const found = await callApi(page, `/api/v1/campaigns?state=active&q=${encodeURIComponent(campaignTitle)}`);
    const campaign = found.items[0].id;
    const answer = await callApi(page, `/api/v1/campaigns/${campaign}/conversations?limit=100`);
    const total = answer.sections.reduce((sum, s) => sum + s.total, 0);
    const chosen = answer.sections
      .flatMap((s) => s.items)
      .filter((c) => c.tags.length < 3)
      .slice(0, 3);
    assert.equal(chosen.length, 3, "the demo campaign has three conversations with room for a tag");
    const names = chosen.map((c) => `${c.contact.first_name} ${c.contact.last_name}`);

    await page.goto(`${baseUrl}/campaigns/${campaign}?tab=activity`);
    await page.locator(".conversation-row").first().waitFor();
    for (const name of names) {
      await page.getByRole("checkbox", { name: `Select ${name}` }).check();
    }
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByText("3 conversations selected").waitFor();
    await bar.getByLabel("Tag").fill(tag);
    await bar.getByRole("button", { name: "Add tag" }).click();
    await page.locator(".bulk-outcome", { hasText: "Tagged 3 conversations." }).waitFor();
    await bar.waitFor({ state: "detached" });
    for (const name of names) {
      const row = page.locator(".conversation-row", { has: page.locator(".contact-name", { hasText: name }) });
      await row.locator(".chip", { hasText: tag }).waitFor();
    }

    // Every conversation the (empty) filter matches: Opt out names them all, once.
    await page.getByRole("checkbox", { name: `Select ${names[0]}` }).check();
    await bar.getByRole("button", { name: "Select all that match" }).click();
    await bar.getByText(`${total} conversations selected`).waitFor();
    await bar.getByRole("button", { name: "Opt out…" }).click();
    await bar.getByRole("alertdialog").getByText(`Opt out ${total} conversations?`).waitFor();
    await bar.getByRole("button", { name: "Cancel" }).click();
    await bar.getByRole("button", { name: "Clear selection" }).click();
    await bar.waitFor({ state: "detached" });

    // As the test found them.
    for (const c of chosen) {
      const detail = await callApi(page, `/api/v1/conversations/${c.id}`);
      assert.ok(detail.conversation.tags.includes(tag));
      const tags = detail.conversation.tags.filter((t) => t !== tag);
      await callApi(page, `/api/v1/conversations/${c.id}`, { method: "PATCH", body: { tags } });
    }
  });
});

test("the inbox selects every conversation of its view", async () => {
  await withPage("bulk-inbox", async (page) => {
    await signIn(page, "agent@demo.test");
    const inbox = await callApi(page, "/api/v1/inbox?limit=100");
    assert.ok(inbox.items.length > 1, "the agent's inbox has conversations");
    await page.goto(`${baseUrl}/inbox`);
    await page.locator(".conversation-row").first().waitFor();
    const first = inbox.items[0];
    await page.getByRole("checkbox", { name: `Select ${first.contact.first_name} ${first.contact.last_name}` }).check();
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByText("1 conversation selected").waitFor();
    await bar.getByRole("button", { name: "Select all that match" }).click();
    await bar.getByText(`${inbox.items.length} conversations selected`).waitFor();
    assert.equal(await page.getByRole("checkbox", { checked: true }).count(), inbox.items.length);
  });
});
