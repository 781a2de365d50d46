// A morning of an agent's work, as issue 13 found it failing: moving from conversation
// to conversation by clicking the list, with tags added and removed, Needs Attention
// toggled, replies sent and contacts' replies arriving live in between — in a
// campaign's Activity tab and in the inbox. Every switch must end with the new
// conversation's panel loaded, and the page must never throw (withPage fails the test
// on a page error or an unexpected console error). Runs last: it leaves tags and
// replies behind on the demo's conversations.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, signIn, withPage } from "../support/browser.mjs";

const campaignTitle = "Fall application reminder";
const switches = 30;

function fullName(conversation) {
  return `${conversation.contact.first_name} ${conversation.contact.last_name}`.trim();
}

function row(page, name) {
  return page.locator(".conversation-row", { has: page.locator(".contact-name", { hasText: name }) }).first();
}

/** Opens `conversation` by clicking its row, and waits until its panel has loaded. */
async function openByClick(page, conversation) {
  const name = fullName(conversation);
  await row(page, name).locator("a").click();
  await page.waitForURL((url) => url.searchParams.get("conversation") === String(conversation.id));
  await page.getByRole("heading", { name, level: 2 }).waitFor();
  await page.locator(".transcript .bubble").first().waitFor();
  assert.equal(await page.getByText("Loading the conversation…").count(), 0, `${name}'s panel loaded`);
}

/**
 * A campaign of the signed-in user's own, launched from a single-use number to `size`
 * contacts of a fresh list, with the user as its agent: the day's work does not depend
 * on what other test files did to the demo's conversations (a later campaign on the
 * same number takes a contact's replies).
 */
async function freshCampaign(page, label, size) {
  const me = await callApi(page, "/api/v1/me");
  const stamp = Date.now() % 100_000;
  const rows = Array.from({ length: size }, (_, i) => ({
    first_name: `${label}${i + 1}`,
    last_name: "Workday",
    phone: `+1212555${2000 + ((stamp + i * 7) % 7000)}`,
  }));
  const imported = await callApi(page, "/api/v1/contact-lists", {
    method: "POST",
    body: { name: `${label} ${stamp}`, office_id: me.office.id, rows },
  });
  const campaign = await callApi(page, "/api/v1/campaigns", {
    method: "POST",
    body: {
      title: `${label} workday ${stamp}`,
      office_id: me.office.id,
      phone_number: { kind: "single_use" },
      contact_list_id: imported.contact_list.id,
      message_template: "Hi {first_name}, questions about your application? Reply here.",
      operated_by: "agent",
      agent_ids: [me.id],
    },
  });
  const launched = await callApi(page, `/api/v1/campaigns/${campaign.id}/launch`, { method: "POST", body: {} });
  return launched;
}

/** Runs one step of the day; a failure says which step and conversation it was. */
async function atStep(step, conversation, work) {
  try {
    await work();
  } catch (error) {
    const where = ` (step ${step}: ${fullName(conversation)}, work ${step % 5})`;
    console.error(`workday: failed at${where}`);
    error.message += where;
    error.stack = `${error.stack ?? ""}${where}`;
    throw error;
  }
}

/** A contact's reply, as the simulator receives it: it arrives over the live stream. */
async function contactReplies(page, conversation, ourNumber, body) {
  await callApi(page, "/api/v1/simulator/inbound", {
    method: "POST",
    body: { from: conversation.contact.phone, to: ourNumber, body },
  });
}

/** One of the things an agent does in an open conversation, chosen by the step. */
async function workOn(page, step) {
  switch (step % 5) {
    case 0: {
      const input = page.getByLabel("Conversation Tags");
      if (await input.isDisabled()) break;
      await input.fill(`Day ${step}`);
      await input.press("Enter");
      await page.locator(".tag-editor .chip", { hasText: `Day ${step}` }).waitFor();
      break;
    }
    case 1: {
      const remove = page.locator(".tag-editor .chip-remove").first();
      if ((await remove.count()) === 0) break;
      const before = await page.locator(".tag-editor .chip").count();
      await remove.click();
      await page.waitForFunction((n) => document.querySelectorAll(".tag-editor .chip").length < n, before);
      break;
    }
    case 2: {
      const attention = page.getByRole("switch", { name: "Needs Attention" });
      if ((await attention.count()) === 0) break;
      const was = await attention.getAttribute("aria-checked");
      await attention.click();
      await page.waitForFunction(
        (was) => document.querySelector(".switch")?.getAttribute("aria-checked") !== was,
        was,
      );
      break;
    }
    case 3: {
      const reply = page.getByLabel("Your reply");
      if (await reply.isDisabled()) break;
      // Shift+Enter adds a line, Enter sends (and the composer says so).
      const body = `Reply ${step}: we have your note.`;
      await page.locator(".composer-keys", { hasText: "sends" }).waitFor();
      await reply.fill(`Hello,`);
      await reply.press("Shift+Enter");
      await reply.pressSequentially(body);
      assert.equal(await reply.inputValue(), `Hello,\n${body}`);
      await reply.press("Enter");
      // The simulator fails some sends for good; replying to such a number asks first.
      const sent = page.locator(".transcript .bubble.outbound", { hasText: body });
      const confirm = page.getByRole("button", { name: "Send anyway" });
      await sent.or(confirm).first().waitFor();
      if ((await confirm.count()) > 0) await confirm.click();
      await sent.waitFor();
      assert.equal(await reply.inputValue(), "", "Enter sent the reply");
      break;
    }
    default: {
      // Opened once per panel: a click on an open form's summary would close it.
      if ((await page.locator(".simulate-reply[open]").count()) === 0) {
        await page.locator(".simulate-reply summary").click();
      }
      const body = `Question ${step} from the contact`;
      await page.getByLabel("The contact's message").fill(body);
      await page.getByRole("button", { name: "Send as the contact" }).click();
      const arrived = page.locator(".transcript .bubble.inbound", { hasText: body });
      const refused = page.locator(".simulate-reply [role=alert]");
      await arrived.or(refused).first().waitFor();
      if ((await refused.count()) > 0) assert.fail(`Simulate reply refused: ${await refused.innerText()}`);
      break;
    }
  }
}

test("a contact's new message is marked unread until the agent opens it; numbers read one way", async () => {
  await withPage("workday-unread", async (page) => {
    await signIn(page, "manager@demo.test");
    const campaign = await freshCampaign(page, "Unread", 3);
    const ourNumber = campaign.phone_number.e164;
    const answer = await callApi(page, `/api/v1/campaigns/${campaign.id}/conversations?limit=100`);
    const [first, second] = answer.sections.flatMap((s) => s.items);
    await page.goto(`${baseUrl}/campaigns/${campaign.id}`);
    await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();
    const firstRow = row(page, fullName(first));
    await firstRow.waitFor();
    assert.equal(await page.locator(".conversation-row.unread").count(), 0, "our own campaign message is nothing to read");
    // The number reads in the national format, with E.164 in its tooltip.
    const phone = firstRow.locator(".contact-phone .phone");
    assert.match(await phone.innerText(), /^\(212\) 555-\d{4}$/);
    assert.equal(await phone.getAttribute("title"), first.contact.phone);

    const unread = (conversation) =>
      page.locator(".conversation-row.unread", { has: page.locator(".contact-name", { hasText: fullName(conversation) }) });
    await contactReplies(page, first, ourNumber, "Is the deadline the 15th?");
    await unread(first).waitFor();
    await openByClick(page, first);
    await unread(first).waitFor({ state: "detached" });
    await openByClick(page, second);
    assert.equal(await unread(first).count(), 0, "read stays read after moving on");
    await page.reload();
    await row(page, fullName(first)).waitFor();
    assert.equal(await unread(first).count(), 0, "the server remembers it was read");

    // A newer message is unread again, while another conversation is open.
    await contactReplies(page, first, ourNumber, "And the fee?");
    await unread(first).waitFor();
    assert.equal(await unread(second).count(), 0, "the open conversation is not marked");
  });
});

test("an agent works through thirty conversations in the Activity tab without a crash", async () => {
  await withPage("workday-activity", async (page) => {
    await signIn(page, "manager@demo.test");
    const campaign = await freshCampaign(page, "Activity", 6);
    const ourNumber = campaign.phone_number.e164;
    assert.ok(ourNumber, "the single-use number was provisioned at launch");
    const answer = await callApi(page, `/api/v1/campaigns/${campaign.id}/conversations?limit=100`);
    const conversations = answer.sections.flatMap((s) => s.items);
    assert.equal(conversations.length, 6, "one conversation per contact");

    // As an agent arrives: from the Campaigns page to the campaign's Activity tab.
    await page.goto(`${baseUrl}/campaigns?tab=active`);
    await page.getByRole("link", { name: campaign.title, exact: true }).click();
    await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();
    // A contact replies before any conversation is open.
    await contactReplies(page, conversations[1], ourNumber, "Hello before anything is open");
    await row(page, fullName(conversations[0])).waitFor();

    for (let step = 0; step < switches; step++) {
      const conversation = conversations[step % conversations.length];
      await atStep(step, conversation, async () => {
        await openByClick(page, conversation);
        await workOn(page, step);
        // Meanwhile another contact writes in; it arrives live.
        if (step % 3 === 0) {
          const other = conversations[(step + 1) % conversations.length];
          await contactReplies(page, other, ourNumber, `Live message ${step}`);
        }
      });
    }
  });
});

test("an agent works through conversations in the inbox without a crash", async () => {
  await withPage("workday-inbox", async (page) => {
    await signIn(page, "agent@demo.test");
    // The agent's own campaign, whose contacts all wrote in: they wait in the inbox.
    const campaign = await freshCampaign(page, "Inbox", 5);
    const answer = await callApi(page, `/api/v1/campaigns/${campaign.id}/conversations?limit=100`);
    for (const conversation of answer.sections.flatMap((s) => s.items)) {
      await contactReplies(page, conversation, campaign.phone_number.e164, "Can someone call me?");
    }
    const waiting = await callApi(page, "/api/v1/inbox");
    assert.ok(waiting.items.length >= 5, "the agent's contacts wait in the inbox");
    await page.getByRole("link", { name: /^Inbox/ }).click();
    await page.getByRole("tab", { name: "Needs attention", selected: true }).waitFor();
    // The agent narrows the inbox to this campaign's contacts (the demo's others share
    // their numbers with later campaigns, which take their replies).
    await page.getByLabel("Search the inbox by first name, last name or phone number").fill("Workday");
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll(".conversation-row .contact-name")];
      return rows.length > 0 && rows.every((r) => r.textContent.includes("Workday"));
    });

    // Replies and cleared attention take conversations out of the tab, simulated
    // replies bring them back: each step opens one of those listed then.
    for (let step = 0; step < 15; step++) {
      const others = page.locator(".conversation-row:not(.selected) .contact-name");
      if ((await others.count()) === 0) {
        const tab = step % 2 === 0 ? "Participating" : "Needs attention";
        await page.getByRole("tab", { name: tab }).click();
        await page.getByRole("tab", { name: tab, selected: true }).waitFor();
        await others.first().waitFor();
      }
      const name = await others.nth(step % (await others.count())).innerText();
      await atStep(step, { contact: { first_name: name, last_name: "" } }, async () => {
        await row(page, name).locator("a").click();
        await page.waitForURL((url) => url.searchParams.has("conversation"));
        await page.getByRole("heading", { name, level: 2 }).waitFor();
        await page.locator(".transcript .bubble").first().waitFor();
        await workOn(page, step);
      });
    }
  });
});
