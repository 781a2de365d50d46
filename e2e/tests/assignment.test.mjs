// Assignment as staff use it against the seeded demo: a manager gives a conversation of
// "Fall application reminder" to Avery Agent; it leaves the manager's inbox, shows in
// the agent's "Mine" view with its count, and its history says who assigned it. The
// test gives the conversation back to nobody at the end, as it found it.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, signIn, withPage } from "../support/browser.mjs";

const campaignTitle = "Fall application reminder";

test("a manager assigns a conversation and it moves to the agent's inbox", async () => {
  let conversation;
  await withPage("assignment-manager", async (page) => {
    await signIn(page, "manager@demo.test");
    const found = await callApi(page, `/api/v1/campaigns?state=active&q=${encodeURIComponent(campaignTitle)}`);
    const campaign = found.items[0].id;
    const inbox = await callApi(page, "/api/v1/inbox");
    conversation = inbox.items.find((c) => c.campaign_id === campaign && !c.assignee);
    assert.ok(conversation, "the manager's inbox has an unassigned conversation of the campaign");
    const name = `${conversation.contact.first_name} ${conversation.contact.last_name}`;

    await page.goto(`${baseUrl}/campaigns/${campaign}?tab=activity&conversation=${conversation.id}`);
    const assigned = page.getByLabel("Assigned to");
    await assigned.waitFor();
    assert.equal(await assigned.inputValue(), "", "nobody has it yet");
    await page.locator(`#assignee-${conversation.id} option`, { hasText: "Avery Agent" }).waitFor({ state: "attached" });
    await assigned.selectOption({ label: "Avery Agent" });
    const row = page.locator(".conversation-row", { has: page.locator(".contact-name", { hasText: name }) });
    await row.locator(".row-assignee", { hasText: "Assigned to Avery Agent" }).waitFor();

    // The history says who gave it to whom.
    await page.locator(".conversation-history summary").click();
    await page.locator(".conversation-history li", { hasText: "Assigned by Morgan Manager: to: Avery Agent" }).waitFor();

    // It is out of the manager's own inbox.
    await page.goto(`${baseUrl}/inbox`);
    await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
    await page.locator(".conversation-row").first().waitFor();
    assert.equal(await page.locator(".conversation-row", { hasText: name }).count(), 0);
  });

  await withPage("assignment-agent", async (page) => {
    await signIn(page, "agent@demo.test");
    await page.goto(`${baseUrl}/inbox`);
    const choice = page.locator(".inbox-choice select");
    await choice.locator("option[value=mine]", { hasText: /Mine: assigned to me \(\d+ need attention\)/ }).waitFor({ state: "attached" });
    await choice.selectOption("mine");
    await page.waitForURL((url) => url.search.includes("view=mine"));
    const name = `${conversation.contact.first_name} ${conversation.contact.last_name}`;
    await page.locator(".conversation-row", { hasText: name }).waitFor();
    // The view's list replaces My inbox's once it loads: then only what is assigned.
    await page.waitForFunction(() => document.querySelectorAll(".conversation-row").length === 1);
    // Back to nobody, as the test found it.
    await page.locator(".conversation-row", { hasText: name }).click();
    await page.locator(`#assignee-${conversation.id}`).selectOption({ label: "Nobody" });
    await page.locator(".conversation-row").first().waitFor({ state: "detached" });
    const detail = await callApi(page, `/api/v1/conversations/${conversation.id}`);
    assert.equal(detail.conversation.assignee, null);
  });
});
