/* Lists: the in-place cell editor (keys, refusals shown beside the cell). A static file, no
   inline handlers, so it runs under a strict Content-Security-Policy. */
"use strict";

(function () {
  // A stale version (409) or a refused value (422) comes back as the editor with its message.
  const SHOWN_BESIDE_THE_CELL = [409, 422];

  document.addEventListener("htmx:beforeSwap", (event) => {
    const cell = event.detail.target;
    if (cell && cell.querySelector && cell.querySelector(".kht-inline")
        && SHOWN_BESIDE_THE_CELL.includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Enter saves and Escape cancels; Enter must never submit the bulk form around the table.
  document.addEventListener("keydown", (event) => {
    const editor = event.target.closest ? event.target.closest(".kht-inline") : null;
    if (!editor) {
      return;
    }
    const button = {Enter: ".kht-inline-save", Escape: ".kht-inline-cancel"}[event.key];
    if (button) {
      event.preventDefault();
      editor.querySelector(button).click();
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const input = event.detail.target.querySelector(".kht-inline [name=inline_value]");
    if (input) {
      input.focus();
    }
  });
})();
