// Starts the bundle boot.js chose, once the page is parsed, or says why it cannot.
const fail = (error) => {
  console.error(error);
  const message = document.getElementById("boot-message");
  if (message) {
    message.textContent =
      "Tidings could not start in this browser. Reload the page; if that does not help, use an up-to-date browser.";
    message.setAttribute("role", "alert");
  }
};
import(`${window.tidingsBundle}.js`)
  .then(({ default: init }) => init({ module_or_path: `${window.tidingsBundle}_bg.wasm` }))
  .catch(fail);
