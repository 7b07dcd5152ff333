/* kht's own small scripts: list filters (Alpine component), keyboard shortcuts, and the
   behaviours pages ask for with data attributes instead of inline handlers (the
   Content-Security-Policy allows no inline script):
   - <form data-confirm="question">: asks before submitting;
   - <select|input data-autosubmit>: submits its form on change (data-clear="name" empties
     that field of the form first);
   - <select data-customer-picker data-options-url="…">: a Tom Select customer picker;
     with data-restart-url the form starts again for the chosen customer;
   - <button data-print>: prints the page. */
"use strict";

const OP_LABELS = {
  zh: {eq: "等于", ne: "不等于", contains: "包含", starts: "开头是", gt: "大于", gte: "大于等于",
       lt: "小于", lte: "小于等于", in: "属于", empty: "为空", not_empty: "不为空"},
  en: {eq: "is", ne: "is not", contains: "contains", starts: "starts with", gt: ">", gte: "≥",
       lt: "<", lte: "≤", in: "is one of", empty: "is empty", not_empty: "is not empty"},
};

function listFilters() {
  // The list's filter state comes as a JSON block, never inside an attribute.
  const state = JSON.parse(document.getElementById("list-filter-state").textContent);
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  return {
    rows: state.filters.map((f) => ({field: f.field, op: f.op, value: f.value || ""})),
    meta: state.meta,
    ops: state.ops,
    add() {
      const field = "name" in this.meta ? "name" : Object.keys(this.meta)[0];
      this.rows.push({field, op: this.opsFor(field)[0], value: ""});
    },
    opsFor(field) {
      const meta = this.meta[field];
      return meta ? this.ops[meta.type] : [];
    },
    opLabel(op) {
      return OP_LABELS[lang][op] || op;
    },
    remove(index) {
      this.rows.splice(index, 1);
    },
    hasValue(row) {
      return !["empty", "not_empty"].includes(row.op);
    },
    // A choice column's value is picked from its labels; the filter sends the key.
    choicesFor(field) {
      const meta = this.meta[field];
      const labels = (meta && meta.choice_labels) || {};
      return ((meta && meta.choices) || []).map((key) => ({key, label: labels[key] || key}));
    },
    chosenValue(row) {
      return this.hasValue(row) && this.choicesFor(row.field).length > 0;
    },
    typedValue(row) {
      return this.hasValue(row) && this.choicesFor(row.field).length === 0;
    },
    encoded(row) {
      return row.field + ":" + row.op + ":" + (row.value || "");
    },
  };
}

document.addEventListener("alpine:init", () => window.Alpine.data("listFilters", listFilters));

document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  const field = event.target;
  if (!field.form || !field.matches("[data-autosubmit]")) {
    return;
  }
  if (field.dataset.clear && field.form.elements[field.dataset.clear]) {
    field.form.elements[field.dataset.clear].value = "";
  }
  field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
});

document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (event.key === "/" && !typing) {
    const box = document.getElementById("list-search") || document.getElementById("global-search-box");
    if (box) {
      event.preventDefault();
      box.focus();
    }
  }
});

function customerPicker(select) {
  const current = select.dataset.current || "";
  const restart = select.dataset.restartUrl;
  new window.TomSelect(select, {
    valueField: "id", labelField: "name", searchField: ["name"], maxOptions: 20, preload: "focus",
    load(query, callback) {
      fetch(select.dataset.optionsUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
        .then((r) => r.json()).then(callback).catch(() => callback());
    },
    onChange(value) {
      // The customer's contacts and prices follow the customer: start the form again for it.
      if (restart && value && String(value) !== current) {
        const opportunity = select.dataset.opportunity;
        window.location = restart + "?customer_id=" + encodeURIComponent(value) +
          (opportunity ? "&opportunity_id=" + encodeURIComponent(opportunity) : "");
      }
    },
  });
}

document.addEventListener("DOMContentLoaded", () => {
  // Page scripts (Tom Select) load after this file: start the pickers once they are in.
  document.querySelectorAll("select[data-customer-picker]").forEach(customerPicker);
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Record pages on phones: the sections that are not `phone_first` fold to their titles (a tap
// opens one); a section showing an error stays open. Wider screens show everything.
const PHONE = window.matchMedia("(max-width: 991.98px)");

function foldable(section) {
  const title = section.querySelector(".card-body > .card-title");
  if (!title || section.querySelector(".is-invalid, .alert-danger")) {
    return;
  }
  const toggle = () => {
    const folded = section.classList.toggle("kht-folded");
    title.setAttribute("aria-expanded", String(!folded));
  };
  section.classList.add("kht-foldable", "kht-folded");
  title.setAttribute("role", "button");
  title.setAttribute("tabindex", "0");
  title.setAttribute("aria-expanded", "false");
  title.addEventListener("click", toggle);
  title.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      toggle();
    }
  });
}

if (PHONE.matches) {
  document.querySelectorAll(".kht-record section.card:not(.kht-phone-first)").forEach(foldable);
}
