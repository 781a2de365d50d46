// Runs before the page's body: picks the wasm bundle for this address and preloads it.
// A file rather than an inline script, so the Content-Security-Policy can refuse every
// inline script (crates/api/src/http/security_headers.rs).
// The app ships as one wasm bundle per group of screens (frontend/src/bundles.rs):
// start the one that holds this address, and fetch its files right away.
(function () {
  var path = location.pathname;
  var query = new URLSearchParams(location.search);
  var tab = query.get("tab");
  // The creation wizard is split by step (the `cfg`s of `Wizard` in src/pages/wizard/mod.rs).
  var wizardSteps = {
    "contact-list": "wizard-list",
    message: "wizard-message",
    operator: "wizard-message",
    launch: "wizard-launch",
  };
  var step = query.get("step");
  var wizard = Object.prototype.hasOwnProperty.call(wizardSteps, step) ? wizardSteps[step] : "wizard";
  var bundle = /^\/campaigns\/(new|\d+\/edit)\/?$/.test(path)
    ? wizard
    : /^\/campaigns\/\d+\/?$/.test(path)
      ? tab === "general" || tab === "contacts" || tab === "analytics" ? "insight" : "campaign"
      : /^\/inbox\/?$/.test(path)
        ? "inbox"
        : /^\/contact-lists(\/|$)/.test(path)
          ? "lists"
          : /^\/(phone-numbers|users|offices|opt-outs|settings|audit-log)(\/|$)/.test(path)
            ? "settings"
            : "home";
  window.tidingsBootPath = path + location.search;
  window.tidingsBundle = "/pkg/" + bundle + "/tidings_frontend";
  var files = [
    ["modulepreload", window.tidingsBundle + ".js"],
    ["preload", window.tidingsBundle + "_bg.wasm"],
  ];
  files.forEach(function (file) {
    var link = document.createElement("link");
    link.rel = file[0];
    link.href = file[1];
    if (file[0] === "preload") {
      link.as = "fetch";
      link.type = "application/wasm";
      link.crossOrigin = "anonymous";
    }
    document.head.appendChild(link);
  });
})();
