/* kht's own small scripts: list filters (Alpine component) and keyboard shortcuts. */
"use strict";

const OP_LABELS = {
  zh: {eq: "等于", ne: "不等于", contains: "包含", starts: "开头是", gt: "大于", gte: "大于等于",
       lt: "小于", lte: "小于等于", in: "属于", empty: "为空", not_empty: "不为空"},
  en: {eq: "is", ne: "is not", contains: "contains", starts: "starts with", gt: ">", gte: "≥",
       lt: "<", lte: "≤", in: "is one of", empty: "is empty", not_empty: "is not empty"},
};

window.listFilters = function (state) {
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
  };
};

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
