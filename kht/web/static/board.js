/* The pipeline board: drag a card (SortableJS) to another stage.  Moving a won or lost card
   asks first and then says "reopen" to the server (which refuses the move without it); a
   card dropped on "lost" asks for the reason.  Refused moves go back where they were. */
"use strict";
(function () {
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
  const labels = JSON.parse(document.getElementById("board-labels").textContent);
  const errorBox = document.getElementById("board-error");

  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.remove("d-none");
  }
  function undo(evt) {
    const before = evt.from.children[evt.oldIndex] || null;
    evt.from.insertBefore(evt.item, before);
  }
  /* The form body of a move, or null when the user called it off. */
  function moveBody(evt) {
    const body = new URLSearchParams({stage_id: evt.to.dataset.stage, version: evt.item.dataset.version});
    if (evt.from.dataset.outcome !== "open") {
      if (!window.confirm(labels.reopen)) { return null; }
      body.set("reopen", "1");
    }
    if (evt.to.dataset.outcome === "lost") {
      const reason = window.prompt(labels.lostReason);
      if (!reason) { return null; }
      body.set("reason", reason);
    }
    return body;
  }
  async function moved(evt) {
    if (evt.from === evt.to) { return; }
    const card = evt.item;
    const body = moveBody(evt);
    if (!body) { undo(evt); return; }
    errorBox.classList.add("d-none");
    const response = await fetch("/opportunities/" + card.dataset.id + "/move", {
      method: "POST",
      headers: {"x-csrftoken": token, "content-type": "application/x-www-form-urlencoded"},
      body: body,
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {message: response.statusText}; }
    if (!response.ok || !data.ok) {
      undo(evt);
      showError(data.message || response.statusText);
      return;
    }
    card.dataset.version = data.version;
    card.classList.add("border-success");
  }
  document.querySelectorAll(".board-cards").forEach(function (list) {
    window.Sortable.create(list, {
      group: "board",
      forceFallback: true,  // mouse events: the same on touch screens and in tests
      animation: 120,
      onEnd: moved,
    });
  });
})();
