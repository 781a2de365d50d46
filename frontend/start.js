// Starts the app's main module once the page is parsed, or says why it cannot. A file
// rather than an inline script, so the Content-Security-Policy can refuse every inline
// script (crates/api/src/http/security_headers.rs).
const fail = (error) => {
  console.error(error);
  const message = document.getElementById("boot-message");
  if (message) {
    message.textContent =
      "Tidings could not start in this browser. Reload the page; if that does not help, use an up-to-date browser.";
    message.setAttribute("role", "alert");
  }
};
import("/pkg/tidings_frontend.js")
  .then(({ default: init }) => init({ module_or_path: "/pkg/tidings_frontend_bg.wasm" }))
  .catch(fail);
