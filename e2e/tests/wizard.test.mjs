// The campaign creation wizard against the seeded demo organisation: a draft from
// scratch through every step (with a CSV upload and its import report), the segment
// counter, the 30-minute schedule rule from the calendar's add button, Launch now, and
// editing a draft. The tests share one server and run in order.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, refusals, signIn, withPage } from "../support/browser.mjs";

const manager = "manager@demo.test";

function row(page, title) {
  return page.locator(".campaign-table tbody tr", { has: page.getByRole("link", { name: title, exact: true }) });
}

/** Signs in and opens the wizard from the Campaigns page's button. */
async function openWizard(page) {
  await signIn(page, manager);
  await page.goto(`${baseUrl}/campaigns`);
  await page.getByRole("link", { name: "New campaign" }).click();
  await page.waitForURL((url) => url.pathname === "/campaigns/new");
  await page.getByRole("heading", { name: "How do you want to start?" }).waitFor();
}

/** Goes to a step by its button in the step list. */
async function goToStep(page, label) {
  await page.getByRole("navigation", { name: "Campaign creation steps" }).getByRole("button", { name: label }).click();
}

test("a draft from scratch through every step, with a CSV upload and its import report", async () => {
  await withPage("wizard-from-scratch", async (page) => {
    await openWizard(page);
    await page.getByRole("button", { name: "Start from scratch" }).click();

    // General
    await page.getByRole("heading", { name: "General" }).waitFor();
    await page.getByLabel("Title").fill("E2E wizard draft");
    assert.equal(await page.getByLabel("Office").inputValue(), await officeValue(page, "Main Campus"));
    assert.equal(await page.getByLabel("Time zone").inputValue(), "America/New_York");
    await page.getByLabel("Tags").fill("E2E");
    await page.getByLabel("Tags").press("Enter");
    await page.getByRole("button", { name: "Remove tag E2E" }).waitFor();
    await page.getByRole("button", { name: "Next" }).click();

    // Contact list: upload a CSV whose headers the server's aliases recognise.
    await page.getByRole("heading", { name: "Contact list" }).waitFor();
    await page.getByRole("button", { name: "Upload a CSV file" }).click();
    const csv = [
      "Given name,Family name,Cell,Program",
      "Ada,Lovelace,(212) 555-0190,Maths",
      "Alan,Turing,(212) 555-0191,Computing",
      "Grace,Hopper,not a number,Navy",
      "Edsger,Dijkstra,(212) 555-0190,Algorithms",
    ].join("\n");
    await page.getByLabel("CSV file").setInputFiles({
      name: "e2e-applicants.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`${csv}\n`),
    });
    await page.getByLabel("First name column").waitFor();
    assert.equal(await selectedText(page, "First name column"), "Given name");
    assert.equal(await selectedText(page, "Last name column"), "Family name");
    assert.equal(await selectedText(page, "Phone column"), "Cell");
    assert.equal(await page.getByLabel("List name").inputValue(), "e2e-applicants");
    const programRow = page.locator(".mapping-table tbody tr", { hasText: "Program" });
    assert.equal(await programRow.getByLabel("Keep as field").isChecked(), true);
    await page.getByRole("button", { name: "Upload and import" }).click();
    const report = page.locator(".import-report");
    await report.getByText("Imported 2 of 4 rows into “e2e-applicants”").waitFor();
    const problems = await report.locator(".report-table tbody tr").allInnerTexts();
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.match(problems[0], /^3\s/);
    assert.match(problems[0], /not a number/);
    assert.match(problems[1], /^4\s/);
    assert.match(problems[1], /same number as row 1/);
    await page.getByText("Chosen: e2e-applicants (2 contacts).").waitFor();
    await page.getByRole("button", { name: "Next" }).click();

    // Number
    await page.getByRole("heading", { name: "Number" }).waitFor();
    await page.getByLabel(/Main Campus Admissions/).check();
    await page.getByRole("button", { name: "Next" }).click();

    // Message: merge fields from the picker, the preview for the first contact.
    await page.getByRole("heading", { name: "Message" }).waitFor();
    const message = page.getByRole("textbox", { name: "Message", exact: true });
    await message.fill("Hi ");
    await page.getByRole("button", { name: "Insert first_name" }).click();
    await message.press("End");
    await message.pressSequentially(", about {Nickname}: ");
    await page.getByRole("button", { name: "Insert Program" }).click();
    assert.equal(await message.inputValue(), "Hi {first_name}, about {Nickname}: {Program}");
    const preview = page.getByTestId("message-preview");
    await preview.getByText("Hi Ada, about {Nickname}: Maths").waitFor();
    assert.match(await preview.innerText(), /Reply STOP to opt out\./);
    assert.match(await page.locator(".segment-summary").innerText(), /1 segment · GSM-7/);
    await page.getByRole("button", { name: "Next" }).click();

    // Operator
    await page.getByRole("heading", { name: "Operator" }).waitFor();
    await page.getByLabel(/Avery Agent/).check();
    await page.getByRole("button", { name: "Next" }).click();

    // The API refuses the unknown merge field, and the wizard shows it next to the message.
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.locator(".wizard-failure", { hasText: "see Message" }).waitFor();
    await page.getByRole("heading", { name: "Message" }).waitFor();
    const refusal = page.locator("#message-template-errors");
    await refusal.getByText(/\{Nickname\}, which is not a field of the contact list/).waitFor();
    await message.fill("Hi {first_name}, your {Program} application is in.");
    // The reason is about the old text: it goes once the message is changed.
    await refusal.waitFor({ state: "detached" });
    // The cost: each of the 2 contacts' own message, one segment each.
    await page.locator(".message-preview .cost-estimate", { hasText: /^Cost: about 2 segments, ≈ \$\d+\.\d\d — 2 contacts at \$[\d.]+ a segment\.$/ }).waitFor();
    await goToStep(page, "Launch");
    await page.getByText("Ready to launch.").waitFor();
    await page.locator(".review .cost-estimate", { hasText: "Cost: about 2 segments" }).waitFor();
    await page.getByRole("button", { name: "Save as draft" }).click();

    await page.waitForURL((url) => url.pathname === "/campaigns" && url.searchParams.get("tab") === "draft");
    await page.locator(".outcome", { hasText: "“E2E wizard draft” is saved as a draft." }).waitFor();
    const saved = row(page, "E2E wizard draft");
    await saved.waitFor();
    const cells = await saved.innerText();
    assert.match(cells, /e2e-applicants/);
    assert.match(cells, /555/, "the reusable number is in the Phone Number column");
    assert.match(cells, /E2E/);
  }, { expectedConsole: refusals(422) });
});

test("the segment counter switches to UCS-2 and marks the emoji", async () => {
  await withPage("wizard-segment-counter", async (page) => {
    await openWizard(page);
    await page.getByRole("button", { name: "Start from scratch" }).click();
    await page.getByLabel("Title").fill("E2E segment counter");
    await goToStep(page, "Message");
    const message = page.getByRole("textbox", { name: "Message", exact: true });
    await page.getByLabel(/Add opt-out language/).uncheck();
    await message.fill("Open day is on Friday");
    const summary = page.locator(".segment-summary");
    await summary.getByText("1 segment · GSM-7 · 139 of 160 characters left in this segment").waitFor();
    assert.equal(await page.locator(".ucs2-char").count(), 0);
    await message.pressSequentially(" 🎉");
    await summary.getByText("1 segment · UCS-2 · 46 of 70 characters left in this segment").waitFor();
    await page.getByTestId("message-preview").locator("mark.ucs2-char", { hasText: "🎉" }).waitFor();
    assert.match(await page.locator(".ucs2-note").innerText(), /Sent as UCS-2 because of 🎉/);
  });
});

test("from the calendar's add button: the 30-minute rule is shown and enforced, then the campaign is scheduled", async () => {
  await withPage("wizard-schedule", async (page) => {
    await signIn(page, manager);
    await page.goto(`${baseUrl}/campaigns?tab=scheduled`);
    const add = page.locator(".day-add").first();
    await add.waitFor();
    // The first add button is on today's tile: past dates have none.
    const date = await add.locator("xpath=..").locator(".day-tile").getAttribute("data-date");
    await add.click();
    await page.waitForURL((url) => url.pathname === "/campaigns/new" && url.searchParams.get("launch_on") === date);

    // Start from a ready draft: the API copies it and the wizard opens the copy.
    await page.getByLabel("Search campaigns by title").fill("Spring enrollment");
    await page.getByRole("button", { name: "Use Spring enrollment nudge" }).click();
    await page.waitForURL((url) => /^\/campaigns\/\d+\/edit$/.test(url.pathname));
    await page.getByText("Started from “Spring enrollment nudge”").waitFor();
    await page.getByLabel("Title").fill("E2E scheduled campaign");
    await goToStep(page, "Launch");

    assert.equal(await page.getByLabel("Launch date").inputValue(), date);
    const rule = page.locator(".schedule-rule");
    const ruleText = await rule.innerText();
    assert.match(ruleText, /at least 30 minutes from now/);
    assert.match(ruleText, /within 1 hour of its launch/);
    const [, earliest] = ruleText.match(/the earliest is (\d{4}-\d\d-\d\d \d\d:\d\d)/) ?? [];
    assert.ok(earliest, ruleText);

    const schedule = page.getByRole("button", { name: "Schedule", exact: true });
    await setLaunch(page, shift(earliest, -20));
    await page.getByText("That is less than 30 minutes from now.").waitFor();
    assert.equal(await schedule.isDisabled(), true);

    await setLaunch(page, shift(earliest, 30));
    await page.getByText("That is less than 30 minutes from now.").waitFor({ state: "detached" });
    await schedule.click();
    await page.waitForURL((url) => url.searchParams.get("tab") === "scheduled");
    await page.locator(".outcome", { hasText: "“E2E scheduled campaign” is scheduled." }).waitFor();
    await page.getByRole("button", { name: "Table" }).click();
    await row(page, "E2E scheduled campaign").waitFor();
  });
});

test("Launch now asks first, then the campaign is in the Active tab", async () => {
  await withPage("wizard-launch-now", async (page) => {
    await openWizard(page);
    await page.getByLabel("Search campaigns by title").fill("Spring enrollment nudge");
    await page.getByRole("button", { name: "Use Spring enrollment nudge" }).click();
    await page.waitForURL((url) => /^\/campaigns\/\d+\/edit$/.test(url.pathname));
    // The address changes first; the start step stays on screen until the copy is loaded.
    await page.getByRole("heading", { name: "Edit “Copy of Spring enrollment nudge”" }).waitFor();
    await page.getByLabel("Title", { exact: true }).fill("E2E launched campaign");
    await goToStep(page, "Launch");
    await page.getByRole("button", { name: "Launch now" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Launch “E2E launched campaign” now?" }).waitFor();
    await dialog.getByRole("button", { name: "Launch" }).click();
    await page.waitForURL((url) => url.pathname === "/campaigns" && url.searchParams.get("tab") === "active");
    await page.getByRole("tab", { name: "Active", selected: true }).waitFor();
    await page.locator(".outcome", { hasText: "“E2E launched campaign” has launched." }).waitFor();
    await row(page, "E2E launched campaign").waitFor();
  });
});

test("an assistant-operated draft: the script editor checks rules as they are written", async () => {
  await withPage("wizard-assistant-script", async (page) => {
    await openWizard(page);
    await page.getByRole("button", { name: "Start from scratch" }).click();
    await page.getByLabel("Title").fill("E2E assistant draft");
    await page.getByLabel(/Virtual Assistant/).check();
    await goToStep(page, "Operator");
    await page.getByText("must have at least one rule").waitFor();
    await page.getByRole("button", { name: "Add a rule" }).click();
    const phrases = page.getByLabel("Rule 1: phrases, one per line");
    await phrases.fill("STOP");
    await page.getByText("is the keyword STOP, which is answered before the assistant").waitFor();
    await phrases.fill("opening hours\nwhen are you open");
    await page.getByLabel("Rule 1: reply").fill("We are open 9am to 5pm, Monday to Friday.");
    await page.getByText("is the keyword STOP").waitFor({ state: "detached" });
    assert.equal(await page.locator(".script-editor .field-errors").count(), 0);
    await goToStep(page, "Launch");
    assert.match(await page.locator(".review").innerText(), /Virtual Assistant \(1 rule\)/);
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.waitForURL((url) => url.searchParams.get("tab") === "draft");
    await page.getByRole("link", { name: "E2E assistant draft", exact: true }).click();
    const settings = page.locator(".settings");
    await settings.waitFor();
    assert.match(await settings.innerText(), /Virtual Assistant/);
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await goToStep(page, "Operator");
    assert.equal(await page.getByLabel("Rule 1: reply").inputValue(), "We are open 9am to 5pm, Monday to Friday.");
  });
});

test("Edit on a draft opens it in the wizard and saves the changes", async () => {
  await withPage("wizard-edit-draft", async (page) => {
    await signIn(page, manager);
    await page.goto(`${baseUrl}/campaigns?tab=draft`);
    await page.getByRole("button", { name: "Actions for Alumni newsletter" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    await page.waitForURL((url) => /^\/campaigns\/\d+\/edit$/.test(url.pathname));
    await page.getByRole("heading", { name: "Edit “Alumni newsletter”" }).waitFor();
    assert.equal(await page.getByLabel("Title").inputValue(), "Alumni newsletter");
    await page.getByLabel("Title").fill("Alumni newsletter (spring)");

    await goToStep(page, "Number");
    await page.getByLabel(/A new single-use number/).check();
    await goToStep(page, "Launch");
    const missing = await page.locator(".readiness").innerText();
    assert.match(missing, /a contact list/);
    assert.doesNotMatch(missing, /a phone number/);
    assert.equal(await page.getByRole("button", { name: "Launch now" }).isDisabled(), true);
    await page.getByRole("button", { name: "Save as draft" }).click();

    await page.waitForURL((url) => url.searchParams.get("tab") === "draft");
    await page.locator(".outcome", { hasText: "“Alumni newsletter (spring)” is saved as a draft." }).waitFor();
    const edited = row(page, "Alumni newsletter (spring)");
    await edited.waitFor();
    assert.match(await edited.innerText(), /Single-use/);
    assert.equal(await row(page, "Alumni newsletter").count(), 0);
  });
});

/** The value of the Office option named `name`. */
async function officeValue(page, name) {
  return page.getByLabel("Office").locator("option", { hasText: name }).getAttribute("value");
}

/** The text of the option chosen in the select labelled `label`. */
async function selectedText(page, label) {
  return page.getByLabel(label).evaluate((select) => select.selectedOptions[0]?.textContent?.trim() ?? "");
}

/** `YYYY-MM-DD HH:MM` moved by `minutes`, as a wall-clock reading (no zone involved). */
function shift(reading, minutes) {
  const at = new Date(`${reading.replace(" ", "T")}:00Z`);
  at.setUTCMinutes(at.getUTCMinutes() + minutes);
  return at.toISOString().slice(0, 16).replace("T", " ");
}

test("the wizard drops nothing silently: a title is needed, a chosen file must be imported, the review names the number, night launches are flagged", async () => {
  await withPage("wizard-nothing-dropped", async (page) => {
    await openWizard(page);
    await page.getByRole("button", { name: "Start from scratch" }).click();
    await page.getByRole("heading", { name: "General" }).waitFor();

    // An empty title is refused at its field, which takes the focus.
    await page.getByRole("button", { name: "Next" }).click();
    await page.locator("#campaign-title-errors", { hasText: "Give the campaign a title" }).waitFor();
    await page.getByRole("heading", { name: "General" }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "campaign-title");
    await page.getByLabel("Title").fill("E2E careful campaign");
    await page.locator("#campaign-title-errors", { hasText: "Give the campaign a title" }).waitFor({ state: "detached" });
    // The organisation's texting hours (opened all day for this suite), narrowed to the day.
    await page.locator(".texting-hours-field .hint", { hasText: "between 00:00 and 24:00" }).waitFor();
    await page.getByLabel("Narrow them for this campaign").check();
    await page.getByLabel("Text from").fill("08:00");
    await page.getByLabel("Until").fill("21:00");
    await page.getByRole("button", { name: "Next" }).click();

    // A file chosen but not imported keeps the user on the step, saying so.
    await page.getByRole("heading", { name: "Contact list" }).waitFor();
    await page.getByRole("button", { name: "Upload a CSV file" }).click();
    await page.getByLabel("CSV file").setInputFiles({
      name: "forgotten.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("First,Last,Phone\nAda,Lovelace,(212) 555-0190\n"),
    });
    await page.getByLabel("First name column").waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.locator("#contact-list-errors", { hasText: "“forgotten.csv” is chosen but not imported" }).waitFor();
    await page.getByRole("heading", { name: "Contact list" }).waitFor();
    // The step list cannot skip past it either.
    await goToStep(page, "Number");
    await page.getByRole("heading", { name: "Contact list" }).waitFor();
    // Choosing an existing list instead leaves the file behind on purpose.
    await page.getByRole("button", { name: "Choose an existing list" }).click();
    await page.locator(".list-choice input[type=radio]").first().check();
    await page.getByRole("button", { name: "Next" }).click();

    // The review names the very number.
    await page.getByRole("heading", { name: "Number" }).waitFor();
    await page.getByLabel(/Main Campus Admissions/).check();
    await goToStep(page, "Launch");
    const number = page.locator("dt", { hasText: /^Number$/ }).locator("xpath=following-sibling::dd[1]");
    await number.filter({ hasText: /^Main Campus Admissions, \(\d{3}\) \d{3}-\d{4}, reusable$/ }).waitFor();

    // A launch time at night is flagged; a daytime one is not.
    const tomorrow = new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10);
    await setLaunch(page, `${tomorrow} 23:30`);
    await page.locator(".texting-hours-warning", { hasText: "outside texting hours (08:00–21:00" }).waitFor();
    await setLaunch(page, `${tomorrow} 10:00`);
    await page.locator(".texting-hours-warning").waitFor({ state: "detached" });
  });
});

/** Types a launch date and time as a user would. */
async function setLaunch(page, reading) {
  const [date, time] = reading.split(" ");
  await page.getByLabel("Launch date").fill(date);
  await page.getByLabel(/^Launch time/).fill(time);
}

test("the wizard's work goes along from step to step in the page; opening it afresh starts blank", async () => {
  await withPage("wizard-steps-keep-work", async (page) => {
    await openWizard(page);
    await page.evaluate(() => {
      window.tidingsSamePage = true;
    });
    await page.getByRole("button", { name: "Start from scratch" }).click();
    await page.getByRole("heading", { name: "General" }).waitFor();
    await page.getByLabel("Title").fill("Kept from step to step");
    await page.getByLabel("Tags").fill("Stepped");
    await page.getByLabel("Tags").press("Enter");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: "Contact list" }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get("step"), "contact-list");

    await goToStep(page, "Launch");
    await goToStep(page, "General");
    assert.equal(await page.getByLabel("Title").inputValue(), "Kept from step to step");
    await page.getByRole("button", { name: "Remove tag Stepped" }).waitFor();
    assert.equal(await page.evaluate(() => window.tidingsSamePage), true, "a step reloaded the page");

    // A new campaign is saved only at its last step: a reload starts it again.
    await page.reload();
    await page.getByRole("heading", { name: "How do you want to start?" }).waitFor();

    // Arriving from the Campaigns page is a new campaign, not the one left behind.
    await page.goto(`${baseUrl}/campaigns`);
    await page.getByRole("link", { name: "New campaign" }).click();
    await page.getByRole("heading", { name: "How do you want to start?" }).waitFor();
    await page.getByRole("button", { name: "Start from scratch" }).click();
    assert.equal(await page.getByLabel("Title").inputValue(), "");
  });
});
