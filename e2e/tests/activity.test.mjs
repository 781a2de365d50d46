// The campaign view's Activity tab and the inbox against the seeded demo: sections,
// search, the conversation tag filter, status icons, the whole reply loop through the
// simulator (a reply needs attention, an agent answers, the status turns Sent), the
// operator and Needs Attention toggles, conversation tags, opt-out, live updates and
// deep links. Every test works on conversations of "Fall application reminder", the
// demo campaign no other test file stops.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { baseUrl, callApi, signIn, storedToken, withPage } from "../support/browser.mjs";

const manager = "manager@demo.test";
const campaignTitle = "Fall application reminder";

async function campaignId(page) {
  const found = await callApi(page, `/api/v1/campaigns?state=active&q=${encodeURIComponent(campaignTitle)}`);
  const campaign = found.items.find((c) => c.title === campaignTitle);
  assert.ok(campaign, `${campaignTitle} is active`);
  return campaign.id;
}

/** Every conversation of the campaign, by section. */
async function sections(page, id) {
  const answer = await callApi(page, `/api/v1/campaigns/${id}/conversations?limit=100`);
  return Object.fromEntries(answer.sections.map((s) => [s.section, s.items]));
}

/** An agent-operated conversation nobody has replied in yet: fresh ground for a test. */
async function quietConversation(page, id, skip = []) {
  const bySection = await sections(page, id);
  const quiet = (bySection.agent_operated ?? []).find(
    (c) =>
      !c.contact.opted_out &&
      c.tags.length === 0 &&
      c.last_message?.author === "campaign" &&
      c.last_message?.status === "delivered" &&
      !skip.includes(c.id),
  );
  assert.ok(quiet, "the demo campaign has a delivered conversation without replies");
  return quiet;
}

function fullName(conversation) {
  return `${conversation.contact.first_name} ${conversation.contact.last_name}`.trim();
}

function section(page, label) {
  return page.locator(".conversation-section", { has: page.getByRole("heading", { name: new RegExp(`^${label} \\(`) }) });
}

function row(page, name) {
  return page.locator(".conversation-row", { has: page.locator(".contact-name", { hasText: name }) });
}

async function openActivity(page, id, conversation) {
  const suffix = conversation ? `&conversation=${conversation}` : "";
  await page.goto(`${baseUrl}/campaigns/${id}?tab=activity${suffix}`);
  await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();
}

test("Activity lists the sections with status icons, searches by name and filters by tag", async () => {
  await withPage("activity-sections", async (page) => {
    await signIn(page, manager);
    const id = await campaignId(page);
    await page.goto(`${baseUrl}/campaigns?tab=active`);
    await page.getByRole("link", { name: campaignTitle, exact: true }).click();
    await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();

    const bySection = await sections(page, id);
    assert.ok(bySection.needs_attention?.length > 0, "the demo has replies needing attention");
    await section(page, "Needs attention").waitFor();
    await section(page, "Agent-operated").waitFor();
    assert.equal(await section(page, "Virtual Assistant-operated").count(), 0, "an empty section is hidden");

    // Status icons: the landline's campaign message is Undelivered with its reason.
    const undelivered = Object.values(bySection)
      .flat()
      .find((c) => c.last_message?.status === "undelivered");
    assert.ok(undelivered, "the demo has an undelivered campaign message");
    const icon = row(page, fullName(undelivered)).locator(".status-undelivered");
    await icon.waitFor();
    assert.match(await icon.getAttribute("title"), /^Undelivered: .+/);
    assert.ok((await page.locator(".conversation-row .status-sent").count()) > 0, "delivered messages show Sent");

    // Search by last name: only that contact's conversation stays.
    const wanted = bySection.needs_attention[0];
    await page.getByLabel("Search conversations by first name, last name or phone number").fill(wanted.contact.last_name);
    await row(page, fullName(wanted)).waitFor();
    await page.waitForFunction((count) => document.querySelectorAll(".conversation-row").length <= count, 2);
    const names = await page.locator(".conversation-row .contact-name").allInnerTexts();
    assert.ok(names.every((n) => n.includes(wanted.contact.last_name)), `only matches: ${names}`);
    await page.getByLabel("Search conversations by first name, last name or phone number").fill("");

    // The tag filter offers the conversation tags in use; choosing one narrows the list.
    await page.locator(".tag-filter summary").click();
    await page.getByLabel("Documents", { exact: true }).check();
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll(".conversation-row");
      return rows.length > 0 && [...rows].every((r) => r.textContent.includes("Documents"));
    });
  });
});

test("simulate a reply: it needs attention live, an agent answers, the status turns Sent", async () => {
  await withPage("activity-reply-loop", async (page) => {
    await signIn(page, manager);
    const id = await campaignId(page);
    const quiet = await quietConversation(page, id);
    const name = fullName(quiet);
    await openActivity(page, id, quiet.id);
    await page.getByRole("heading", { name, level: 2 }).waitFor();
    await row(page, name).waitFor();
    assert.equal(await section(page, "Needs attention").locator(".conversation-row", { hasText: name }).count(), 0);

    await page.locator(".simulate-reply summary").click();
    await page.getByLabel("The contact's message").fill("Can I get an extension on my application?");
    await page.getByRole("button", { name: "Send as the contact" }).click();
    // Live: the list and the transcript change without a reload.
    await section(page, "Needs attention").locator(".conversation-row", { hasText: name }).waitFor();
    await page.locator(".transcript .bubble.inbound", { hasText: "Can I get an extension" }).waitFor();

    // The composer: emoji, undo, redo, select all, the segment counter.
    const reply = page.getByLabel("Your reply");
    await reply.fill("Yes, until Friday.");
    await page.getByRole("button", { name: "😀 Emoji" }).click();
    await page.getByRole("dialog", { name: "Insert an emoji" }).getByRole("button", { name: "thumbs up" }).click();
    assert.equal(await reply.inputValue(), "Yes, until Friday.👍");
    await page.locator(".composer .segment-summary", { hasText: "UCS-2" }).waitFor();
    await page.getByRole("button", { name: "Undo" }).click();
    assert.equal(await reply.inputValue(), "Yes, until Friday.");
    await page.locator(".composer .segment-summary", { hasText: "GSM-7" }).waitFor();
    await page.getByRole("button", { name: "Redo" }).click();
    assert.equal(await reply.inputValue(), "Yes, until Friday.👍");
    await page.getByRole("button", { name: "Select all" }).click();
    assert.equal(await reply.evaluate((el) => el.selectionEnd - el.selectionStart), "Yes, until Friday.👍".length);

    await page.getByRole("button", { name: "Send", exact: true }).click();
    const sent = page.locator(".transcript .bubble.outbound", { hasText: "Yes, until Friday." });
    await sent.waitFor();
    assert.equal(await reply.inputValue(), "", "the composer empties once the reply is queued");
    // The simulator delivers it; the status arrives live.
    await sent.locator(".status-sent").waitFor({ timeout: 20_000 });

    // Answering takes the conversation out of Needs attention; the toggle puts it back
    // and takes it out again.
    const attention = page.getByRole("switch", { name: "Needs Attention" });
    await section(page, "Agent-operated").locator(".conversation-row", { hasText: name }).waitFor();
    assert.equal(await attention.getAttribute("aria-checked"), "false");
    await attention.click();
    await section(page, "Needs attention").locator(".conversation-row", { hasText: name }).waitFor();
    assert.equal(await attention.getAttribute("aria-checked"), "true");
    await attention.click();
    await section(page, "Agent-operated").locator(".conversation-row", { hasText: name }).waitFor();
    assert.equal(await attention.getAttribute("aria-checked"), "false");
  });
});

test("a reply being typed stays, with the panel as it was, when the contact's message arrives live", async () => {
  await withPage("activity-draft-live", async (page) => {
    const streams = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/v1/events") streams.push(new URL(request.url()));
    });
    await signIn(page, manager);
    const id = await campaignId(page);
    const quiet = await quietConversation(page, id);
    await openActivity(page, id, quiet.id);
    await page.getByRole("heading", { name: fullName(quiet), level: 2 }).waitFor();
    const reply = page.getByLabel("Your reply");
    await reply.fill("Half a thought, still typing");

    await page.locator(".simulate-reply summary").click();
    await page.getByLabel("The contact's message").fill("Are you still there?");
    await page.getByRole("button", { name: "Send as the contact" }).click();
    // The message arrives through the live stream, which reloads the conversation.
    await page.locator(".transcript .bubble.inbound", { hasText: "Are you still there?" }).waitFor();
    await page.getByText("Received. It appears in the conversation.").waitFor();
    assert.equal(await reply.inputValue(), "Half a thought, still typing", "the draft survives the live update");
    assert.equal(await page.locator(".simulate-reply[open]").count(), 1, "the simulator form stays open");
    // The live stream opened with a single-use ticket: the session token is not in its URL.
    const token = await storedToken(page);
    assert.ok(streams.length > 0, "the page opened the live stream");
    for (const url of streams) {
      assert.ok(url.searchParams.get("ticket"), `a ticket opens the stream: ${url}`);
      assert.ok(!url.href.includes(token) && !url.searchParams.has("access_token"), `no session token in ${url}`);
    }
  });
});

test("the operator toggle moves a conversation between the Virtual Assistant and agents", async () => {
  await withPage("activity-operator", async (page) => {
    await signIn(page, manager);
    // Without an assistant script the campaign's conversations stay with agents.
    const fall = await campaignId(page);
    const quiet = await quietConversation(page, fall);
    await openActivity(page, fall, quiet.id);
    await page.getByRole("heading", { name: fullName(quiet), level: 2 }).waitFor();
    // The switch cannot work here, so it is off, with the reason written beside it.
    const toAssistant = page.getByRole("button", { name: "Virtual Assistant-operated" });
    assert.equal(await toAssistant.isDisabled(), true);
    await page.locator(".control-reason", { hasText: "No Virtual Assistant script" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Agent-operated" }).getAttribute("aria-pressed"), "true");

    // "Financial aid deadline" is answered by the assistant (this file runs before the
    // one that ends it).
    const found = await callApi(page, "/api/v1/campaigns?state=active&q=Financial%20aid");
    const aid = found.items.find((c) => c.title === "Financial aid deadline");
    assert.ok(aid, "Financial aid deadline is active");
    const bySection = await sections(page, aid.id);
    const answered = (bySection.assistant_operated ?? []).find((c) => !c.contact.opted_out);
    assert.ok(answered, "the assistant has conversations");
    const name = fullName(answered);
    await openActivity(page, aid.id, answered.id);
    await page.getByRole("heading", { name, level: 2 }).waitFor();
    assert.equal(await page.getByRole("switch", { name: "Needs Attention" }).count(), 0, "agent-operated only");

    await page.getByRole("button", { name: "Agent-operated" }).click();
    await section(page, "Agent-operated").locator(".conversation-row", { hasText: name }).waitFor();
    await page.getByRole("switch", { name: "Needs Attention" }).waitFor();
    const stored = await callApi(page, `/api/v1/conversations/${answered.id}`);
    assert.equal(stored.conversation.operated_by, "agent");
    // While it needs attention the assistant cannot take it over: switching asks to
    // clear it first; Cancel leaves it with people, "Clear and hand over" does both.
    const attention = page.getByRole("switch", { name: "Needs Attention" });
    const checked = (value) =>
      page.waitForFunction((v) => document.querySelector(".switch")?.getAttribute("aria-checked") === v, value);
    if ((await attention.getAttribute("aria-checked")) === "false") {
      await attention.click();
      await checked("true");
    }
    const handover = page.getByRole("alertdialog", { name: "Hand over to the Virtual Assistant" });
    await page.getByRole("button", { name: "Virtual Assistant-operated" }).click();
    await handover.getByText("This conversation needs attention.").waitFor();
    await handover.getByRole("button", { name: "Cancel" }).click();
    await handover.waitFor({ state: "detached" });
    assert.equal((await callApi(page, `/api/v1/conversations/${answered.id}`)).conversation.operated_by, "agent");

    await page.getByRole("button", { name: "Virtual Assistant-operated" }).click();
    await handover.getByRole("button", { name: "Clear and hand over" }).click();
    await section(page, "Virtual Assistant-operated").locator(".conversation-row", { hasText: name }).waitFor();
    await page.getByRole("switch", { name: "Needs Attention" }).waitFor({ state: "detached" });
    const handed = (await callApi(page, `/api/v1/conversations/${answered.id}`)).conversation;
    assert.deepEqual([handed.operated_by, handed.needs_attention], ["assistant", false]);
  });
});

test("conversation tags: Enter adds one, three at most, 30 characters with a counter; the filter finds them", async () => {
  await withPage("activity-tags", async (page) => {
    await signIn(page, manager);
    const id = await campaignId(page);
    const quiet = await quietConversation(page, id);
    const name = fullName(quiet);
    await openActivity(page, id, quiet.id);
    const input = page.getByLabel("Conversation Tags");
    await input.fill("Callback");
    await page.locator(".tag-counter", { hasText: "8/30 characters" }).waitFor();
    await input.press("Enter");
    await page.locator(".tag-editor .chip", { hasText: "Callback" }).waitFor();
    for (const tag of ["Deadline", "Parent"]) {
      await input.fill(tag);
      await input.press("Enter");
      await page.locator(".tag-editor .chip", { hasText: tag }).waitFor();
    }
    await page.waitForFunction(() => document.querySelector(".tag-editor input")?.disabled === true);
    assert.equal(await input.getAttribute("maxlength"), "30");
    await row(page, name).locator(".chip", { hasText: "Parent" }).waitFor();

    await page.getByRole("button", { name: "Remove tag Deadline" }).click();
    await page.locator(".tag-editor .chip", { hasText: "Deadline" }).waitFor({ state: "detached" });

    // The filter now offers "Callback"; choosing it leaves this conversation.
    await page.reload();
    await page.locator(".tag-filter summary").click();
    await page.getByLabel("Callback", { exact: true }).check();
    await page.waitForFunction(() => document.querySelectorAll(".conversation-row").length === 1);
    await row(page, name).waitFor();
  });
});

test("Opt Out asks first, then the contact is opted out and the composer is closed", async () => {
  await withPage("activity-opt-out", async (page) => {
    await signIn(page, manager);
    const id = await campaignId(page);
    // Not the conversation the other tests use first.
    const first = await quietConversation(page, id);
    const quiet = await quietConversation(page, id, [first.id]);
    await openActivity(page, id, quiet.id);
    await page.getByRole("heading", { name: fullName(quiet), level: 2 }).waitFor();
    await page.getByRole("button", { name: "Opt Out" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Opt out this contact" });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Opt Out" }).click();
    await confirm.getByRole("button", { name: "Opt out" }).click();
    await page.locator(".conversation-head .badge", { hasText: "Opted out" }).waitFor();
    assert.ok(await page.getByLabel("Your reply").isDisabled());
    await page.getByText("This contact opted out").waitFor();
    const listed = await callApi(page, `/api/v1/opt-outs?q=${encodeURIComponent(quiet.contact.phone)}`);
    assert.ok(listed.items.some((entry) => entry.phone === quiet.contact.phone), "on the suppression list");
  });
});

test("the agent's inbox lists what needs attention, and a deep link to a conversation survives a reload", async () => {
  await withPage("inbox", async (page) => {
    await signIn(page, "agent@demo.test");
    await page.getByRole("link", { name: "Inbox" }).click();
    await page.getByRole("tab", { name: "Needs attention", selected: true }).waitFor();
    const waiting = await callApi(page, "/api/v1/inbox");
    assert.ok(waiting.items.length > 0, "the demo agent has conversations needing attention");
    const first = waiting.items[0];
    await row(page, fullName(first)).click();
    await page.waitForURL((url) => url.searchParams.get("conversation") === String(first.id));
    await page.getByRole("heading", { name: fullName(first), level: 2 }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: fullName(first), level: 2 }).waitFor();
    await page.locator(".transcript .bubble").first().waitFor();

    await page.getByRole("tab", { name: "Participating" }).click();
    await page.waitForURL((url) => url.searchParams.get("tab") === "participating");
    const participating = await callApi(page, "/api/v1/inbox?tab=participating");
    assert.ok(participating.items.length > 0, "the demo agent replied in conversations");
    await row(page, fullName(participating.items[0])).waitFor();

    // The tabs answer the arrow keys, and the panel is labelled by the selected tab.
    await page.getByRole("tab", { name: "Participating", selected: true }).press("ArrowLeft");
    await page.getByRole("tab", { name: "Needs attention", selected: true }).waitFor();
    await page.waitForURL((url) => url.searchParams.get("tab") === null);
    assert.equal(await page.getByRole("tabpanel").getAttribute("aria-labelledby"), "inbox-tab-needs-attention");
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      "inbox-tab-needs-attention",
      "focus follows the selected tab",
    );
  });
});

test("a long transcript opens on its newest messages and shows the earlier ones on request", async () => {
  await withPage("activity-long-transcript", async (page) => {
    await signIn(page, manager);
    const id = await campaignId(page);
    const quiet = await quietConversation(page, id);
    const detail = await callApi(page, `/api/v1/conversations/${quiet.id}`);
    const campaignMessage = detail.messages[0];
    // 105 messages from the contact after what the conversation had.
    const total = detail.messages.length + 105;
    for (let i = 1; i <= 105; i += 1) {
      await callApi(page, "/api/v1/simulator/inbound", {
        method: "POST",
        body: { from: quiet.contact.phone, to: campaignMessage.from, body: `Long thread message ${i}` },
      });
    }
    await openActivity(page, id, quiet.id);
    await page.getByRole("heading", { name: fullName(quiet), level: 2 }).waitFor();
    const bubbles = page.locator(".transcript .bubble");
    await page.locator(".transcript .bubble", { hasText: "Long thread message 105" }).waitFor();
    assert.equal(await bubbles.count(), 100, "the newest hundred first");
    const body = (text) => page.locator(".transcript .bubble-body", { hasText: new RegExp(`^${text}$`) });
    assert.equal(await body("Long thread message 5").count(), 0, "the oldest wait behind the button");
    assert.equal(await body("Long thread message 6").count(), 1);

    await page.getByRole("button", { name: "Show earlier messages" }).click();
    await body("Long thread message 1").waitFor();
    assert.equal(await bubbles.count(), total, "the whole transcript, without repeats");
    assert.equal(await page.locator(".transcript .bubble-body").first().innerText(), campaignMessage.body);
    assert.equal(await page.getByRole("button", { name: "Show earlier messages" }).count(), 0, "nothing earlier is left");
  });
});

test("Download transcript saves the campaign's messages as CSV and one conversation as text", async () => {
  await withPage("activity-transcripts", async (page) => {
    await signIn(page, manager);
    const id = await campaignId(page);
    const quiet = await quietConversation(page, id);
    await openActivity(page, id, quiet.id);
    const panel = page.locator(".conversation-panel");
    await panel.getByRole("heading", { name: fullName(quiet) }).waitFor();

    // The campaign: one row per message, its campaign message among them.
    const [csvFile] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".activity-list").getByRole("button", { name: "Download transcript" }).click(),
    ]);
    assert.equal(csvFile.suggestedFilename(), `campaign-${id}-transcript.csv`);
    const csv = await readFile(await csvFile.path(), "utf8");
    assert.ok(csv.startsWith("Contact,Phone,Direction,Author,Time,Status,Tags,Message\n"), csv.slice(0, 200));
    const phone = quiet.contact.phone;
    assert.ok(csv.includes(`${fullName(quiet)},'${phone},outbound,Campaign,`), `no campaign message to ${phone}`);

    // The conversation: a header naming the contact, then its messages.
    const [textFile] = await Promise.all([
      page.waitForEvent("download"),
      panel.getByRole("button", { name: "Download transcript" }).click(),
    ]);
    assert.equal(textFile.suggestedFilename(), `conversation-${quiet.id}.txt`);
    const lines = (await readFile(await textFile.path(), "utf8")).split("\n");
    assert.equal(lines[0], `Conversation with ${fullName(quiet)} (${phone})`);
    assert.equal(lines[1], `Campaign: ${campaignTitle}`);
    assert.match(lines[4], /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z]+\] Campaign \(delivered\): /);
  });
});
