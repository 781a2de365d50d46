// The campaign view's Contacts and Analytics tabs against the seeded demo: the demo's
// "Fall application reminder" texted the 12 "Fall 2026 applicants" (Luis Kim's number is
// a landline, Ethan Nguyen's is invalid, the rest were delivered); "West welcome week"
// texted the 6 West Campus students. What the page shows is checked against the API's
// own answers where the figures depend on the clock. The opt-out test changes data, so
// it comes last.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { baseUrl, callApi, signIn, withPage } from "../support/browser.mjs";

const manager = "manager@demo.test";
const fall = "Fall application reminder";
const welcome = "West welcome week";

/** The id of the campaign titled `title`. */
async function campaignId(page, title) {
  const list = await callApi(page, `/api/v1/campaigns?q=${encodeURIComponent(title)}`);
  const campaign = list.items.find((c) => c.title === title);
  assert.ok(campaign, `no campaign titled ${title}`);
  return campaign.id;
}

/** Signs in and opens `tab` of the campaign titled `title`; gives the campaign's id. */
async function openCampaignTab(page, title, tab) {
  await signIn(page, manager);
  const id = await campaignId(page, title);
  await page.goto(`${baseUrl}/campaigns/${id}?tab=${tab}`);
  await page.getByRole("tab", { name: tab.charAt(0).toUpperCase() + tab.slice(1), selected: true }).waitFor();
  return id;
}

/** The Contacts table's row of the contact named `first` `last`. */
function contactRow(page, first, last) {
  return page
    .locator(".contacts-table tbody tr")
    .filter({ has: page.locator("td:nth-child(1)", { hasText: new RegExp(`^${first}$`) }) })
    .filter({ has: page.locator("td:nth-child(2)", { hasText: new RegExp(`^${last}$`) }) });
}

/** The Delivered icon's label in a row. */
function deliveryLabel(row) {
  return row.locator(".delivery-cell [role=img]").getAttribute("aria-label");
}

test("the Contacts tab lists every imported field with delivery and failed reason", async () => {
  await withPage("insight-contacts", async (page) => {
    await openCampaignTab(page, fall, "contacts");
    await contactRow(page, "Maya", "Patel").waitFor();
    const headings = await page.locator(".contacts-table thead th").allInnerTexts();
    assert.deepEqual(
      headings.map((h) => h.trim().toLowerCase()),
      [
        "first name",
        "last name",
        "phone number",
        "student id",
        "program",
        "created",
        "delivered",
        "failed reason",
        "actions",
      ],
    );
    assert.equal(await page.locator(".contacts-table tbody tr").count(), 12);

    const maya = contactRow(page, "Maya", "Patel");
    assert.match(await maya.innerText(), /\(212\) 555-0100[\s\S]*S24000[\s\S]*Nursing/);
    // One spelling of a number on screen; E.164, as the API and the export spell it, in its tooltip.
    assert.equal(await maya.locator(".phone").getAttribute("title"), "+12125550100");
    assert.equal(await deliveryLabel(maya), "Delivered");
    assert.match(await maya.locator(".delivery-cell .delivery").getAttribute("class"), /delivery-delivered/);
    const created = maya.locator("time");
    assert.match((await created.getAttribute("title")) ?? "", /^America\/New_York \(E[SD]T\)$/);

    const luis = contactRow(page, "Luis", "Kim");
    assert.equal(await deliveryLabel(luis), "Not delivered");
    assert.match(await luis.locator(".reason-cell").innerText(), /landline.*\(30006\)/);
    const ethan = contactRow(page, "Ethan", "Nguyen");
    assert.equal(await deliveryLabel(ethan), "Not delivered");
    assert.match(await ethan.locator(".reason-cell").innerText(), /not a valid mobile number/);
    assert.equal(await page.locator(".contacts-table .delivery-failed").count(), 2);
    // Ten were delivered, and stay delivered when a contact opts out since (another test
    // file may do it): the opt-out is a mark beside the icon.
    const listed = await callApi(page, `/api/v1/campaigns/${await campaignId(page, fall)}/contacts?limit=100`);
    const optedOutSince = listed.items.filter((c) => c.opted_out && c.delivery === "delivered").length;
    assert.equal(await page.locator(".contacts-table .delivery-delivered").count(), 10);
    assert.equal(await page.locator(".contacts-table .opted-out-mark").count(), optedOutSince);
    assert.match(await page.locator(".pager-range").innerText(), /^12 contacts$/);
    // Twelve rows fit one page.
    assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0);
  });
});

test("the search box narrows the contacts by name and by phone number", async () => {
  await withPage("insight-contacts-search", async (page) => {
    await openCampaignTab(page, fall, "contacts");
    await contactRow(page, "Maya", "Patel").waitFor();
    const search = page.getByLabel("Search contacts by name or phone number");
    await search.fill("luis");
    await contactRow(page, "Maya", "Patel").waitFor({ state: "detached" });
    assert.equal(await page.locator(".contacts-table tbody tr").count(), 1);
    await contactRow(page, "Luis", "Kim").waitFor();
    await search.fill("555-0107");
    await contactRow(page, "Ethan", "Nguyen").waitFor();
    await contactRow(page, "Luis", "Kim").waitFor({ state: "detached" });
    assert.equal(await page.locator(".contacts-table tbody tr").count(), 1);
    await search.fill("nobody-by-this-name");
    await page.getByText("No contacts match.").waitFor();
  });
});

test("the SMS preview dialog shows the exact text, its encoding and segments", async () => {
  await withPage("insight-sms-preview", async (page) => {
    const id = await openCampaignTab(page, fall, "contacts");
    const maya = contactRow(page, "Maya", "Patel");
    await maya.waitFor();
    const contactId = await maya.getAttribute("data-contact-id");
    const expected = await callApi(page, `/api/v1/campaigns/${id}/contacts/${contactId}/preview`);
    assert.match(expected.body, /^Hi Maya, this is Demo College\. Your Nursing application/);

    const opener = page.getByRole("button", { name: "SMS preview for Maya Patel" });
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "SMS preview: Maya Patel" });
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute("aria-modal"), "true");
    const text = dialog.locator(".preview-text");
    await text.waitFor();
    assert.equal(await text.textContent(), expected.body);
    assert.equal(await dialog.locator('[data-fact="encoding"]').innerText(), "GSM-7");
    assert.equal(await dialog.locator('[data-fact="segments"]').innerText(), String(expected.segments.segments));
    assert.equal(expected.segments.segments, 1);
    // Focus moved into the dialog; Escape closes it and gives focus back to the button.
    assert.equal(await dialog.evaluate((d) => d.contains(document.activeElement)), true);
    await page.screenshot({ path: `${process.env.TIDINGS_E2E_ARTIFACTS ?? "."}/insight-sms-preview-dialog.png` });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal(await opener.evaluate((b) => b === document.activeElement), true);
  });
});

test("Download CSV saves the contacts with their header", async () => {
  await withPage("insight-contacts-csv", async (page) => {
    const id = await openCampaignTab(page, fall, "contacts");
    await contactRow(page, "Maya", "Patel").waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `campaign-${id}-contacts.csv`);
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.trimEnd().split("\n");
    assert.equal(lines[0], "First Name,Last Name,Phone,Student ID,Program,Created At,Delivered,Failed Reason,Opted Out");
    assert.equal(lines.length, 13);
    // The export prefixes cells a spreadsheet would run as formulas (such as "+1…") with "'".
    assert.ok(lines.some((l) => l.startsWith("Maya,Patel,'+12125550100,S24000,Nursing,") && l.includes(",delivered,")));
    assert.ok(lines.some((l) => l.startsWith("Luis,Kim,'+12125550103,") && /,failed,.*landline/.test(l)));
  });
});

test("a deep link to the Contacts tab survives a reload", async () => {
  await withPage("insight-deep-link", async (page) => {
    const id = await openCampaignTab(page, fall, "contacts");
    await contactRow(page, "Maya", "Patel").waitFor();
    await page.reload();
    await page.getByRole("tab", { name: "Contacts", selected: true }).waitFor();
    await contactRow(page, "Maya", "Patel").waitFor();
    assert.equal(new URL(page.url()).pathname, `/campaigns/${id}`);
    assert.equal(new URL(page.url()).searchParams.get("tab"), "contacts");
  });
});

/** `seconds` as the page words it: its two largest units. */
function humanised(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const parts = [
    [Math.floor(seconds / 86400), "d"],
    [Math.floor((seconds % 86400) / 3600), "h"],
    [Math.floor((seconds % 3600) / 60), "min"],
    [seconds % 60, "s"],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  if (first < 0) return "0 s";
  return parts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount} ${unit}`)
    .join(" ");
}

/** The figures of the chart card headed `heading`, as { label: text }. */
async function figures(page, heading) {
  const card = page.locator("section.chart-card", { has: page.getByRole("heading", { name: heading, exact: true }) });
  const entries = await card.locator(".chart-figures > div").evaluateAll((divs) =>
    divs.map((d) => [d.querySelector("dt").textContent.trim(), d.querySelector("dd").textContent.trim()]),
  );
  return Object.fromEntries(entries);
}

test("the Analytics tab shows the four charts with the API's figures", async () => {
  await withPage("insight-analytics", async (page) => {
    const id = await openCampaignTab(page, fall, "analytics");
    const data = await callApi(page, `/api/v1/campaigns/${id}/analytics`);
    for (const name of ["Campaign Send Status", "Engagement", "Responses", "Contact Message Activity"]) {
      await page.getByRole("heading", { name, exact: true }).waitFor();
    }

    const send = data.send_status;
    assert.equal(send.total, 12, "the demo texted 12 applicants");
    assert.equal(send.failed, 2);
    assert.deepEqual(await figures(page, "Campaign Send Status"), {
      Total: String(send.total),
      Successful: String(send.successful),
      Failed: String(send.failed),
      "In progress": String(send.in_progress),
      Cancelled: String(send.cancelled),
    });
    const reasons = await page.locator(".failure-reasons li").allInnerTexts();
    assert.equal(reasons.length, send.failures.length);
    for (const failure of send.failures) {
      assert.ok(
        reasons.some((r) => r.startsWith(String(failure.count)) && r.includes(failure.reason)),
        `failure ${failure.code} is listed: ${reasons}`,
      );
    }

    const engagement = data.engagement;
    assert.deepEqual(await figures(page, "Engagement"), {
      Sent: String(engagement.sent),
      Responded: String(engagement.responded),
      "Opt-outs": String(engagement.opt_outs),
    });
    const tenths = Math.round(engagement.rate * 1000);
    assert.equal(
      await page.locator('[data-figure="rate"]').innerText(),
      `${Math.floor(tenths / 10)}.${tenths % 10}%`,
    );

    const responses = data.responses;
    assert.ok(responses.contact_responses >= 4, "the demo's applicants replied");
    assert.deepEqual(await figures(page, "Responses"), {
      "Contact responses": String(responses.contact_responses),
      "Agent responses": String(responses.agent_responses),
      "Chatbot responses": String(responses.chatbot_responses),
    });
    assert.equal(
      await page.locator('[data-figure="median"]').innerText(),
      humanised(responses.median_agent_response_seconds),
    );
    const agentRows = await page.locator(".agent-table tbody tr").allInnerTexts();
    assert.equal(agentRows.length, responses.per_agent.length);
    for (const agent of responses.per_agent) {
      assert.ok(
        agentRows.some((r) => r.includes(agent.agent.name) && r.includes(String(agent.responses))),
        `${agent.agent.name} is listed: ${agentRows}`,
      );
    }

    // Every chart is an image with a summary for screen readers.
    const charts = page.locator("svg.chart[role=img]");
    assert.equal(await charts.count(), 4);
    for (const label of await charts.evaluateAll((svgs) => svgs.map((s) => s.getAttribute("aria-label")))) {
      assert.ok(label && /\d/.test(label), `a chart's summary has its figures: ${label}`);
    }

    // Contact Message Activity: the total above each busy column, and the table of them.
    const activity = data.activity;
    assert.ok(["hour", "day"].includes(activity.bucket), `two days of activity: ${activity.bucket}`);
    await page.getByText(`Messages per ${activity.bucket} in ${activity.time_zone}`).waitFor();
    const busy = activity.bars.filter((b) => b.inbound + b.outbound > 0);
    assert.ok(busy.length > 0);
    const totals = await page.locator(".activity-chart .bar-total").allTextContents();
    assert.deepEqual(totals, busy.map((b) => String(b.inbound + b.outbound)));
    assert.equal(await page.locator(".activity-chart g.column").count(), activity.bars.length);
    assert.equal(await page.locator(".activity-chart g.column title").count(), activity.bars.length);
    await page.locator(".activity-figures summary").click();
    const tableRows = await page.locator(".activity-figures tbody tr").evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)),
    );
    assert.deepEqual(
      tableRows,
      busy.map((b) => [String(b.outbound), String(b.inbound), String(b.outbound + b.inbound)]),
    );
    const sum = (key) => activity.bars.reduce((n, b) => n + b[key], 0);
    assert.deepEqual(await figures(page, "Contact Message Activity"), {
      "Sent to contacts": String(sum("outbound")),
      "Received from contacts": String(sum("inbound")),
    });
  });
});

test("Opt-out asks first, then the row keeps Delivered and marks the contact opted out", async () => {
  await withPage("insight-opt-out", async (page) => {
    const id = await openCampaignTab(page, welcome, "contacts");
    const noah = contactRow(page, "Noah", "Johnson");
    await noah.waitFor();
    assert.equal(await deliveryLabel(noah), "Delivered");
    const button = page.getByRole("button", { name: "Opt out Noah Johnson" });

    await button.click();
    const dialog = page.getByRole("dialog", { name: "Opt out Noah Johnson?" });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /\(415\) 555-0145/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(await deliveryLabel(noah), "Delivered", "cancelling changes nothing");

    await button.click();
    await dialog.getByRole("button", { name: "Opt out", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("status").filter({ hasText: "Noah Johnson is opted out." }).waitFor();
    // History stays true: the message was delivered before the opt-out.
    await noah.locator(".opted-out-mark").waitFor();
    assert.equal(await deliveryLabel(noah), "Delivered");
    assert.equal(await button.isDisabled(), true);

    // The API agrees, and so does the page after a reload.
    const page1 = await callApi(page, `/api/v1/campaigns/${id}/contacts?q=Noah`);
    const stored = page1.items.find((c) => c.last_name === "Johnson");
    assert.equal(stored?.delivery, "delivered");
    assert.equal(stored?.opted_out, true);
    await page.reload();
    await noah.locator(".opted-out-mark").waitFor();
    assert.equal(await deliveryLabel(noah), "Delivered");
  });
});
