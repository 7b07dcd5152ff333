/* The quote and order forms' line editor (Alpine component "quoteEditor"; the customer
   picker is kht.js's data-customer-picker).  The page's data comes from <script type="application/json"
   id="quote-editor-data">, never from an HTML attribute: JSON holds quotes, and inside an
   attribute they end it (the editor then never started and a save deleted every line). */
"use strict";

(function () {
  const LINE_KEYS = ["product_id", "description", "unit", "quantity", "unit_price", "discount_rate", "tax_rate"];

  function pageData() {
    const node = document.getElementById("quote-editor-data");
    return node ? JSON.parse(node.textContent) : {lines: [], customerId: null, placeholder: ""};
  }

  function hasContent(line) {
    return Boolean(line.product_id || line.description || line.unit_price);
  }

  function quoteEditor() {
    const data = pageData();
    let counter = 0;
    const blank = () => ({key: ++counter, product_id: "", product_label: "", description: "", unit: "",
      quantity: "1", unit_price: "", discount_rate: "0", tax_rate: ""});
    return {
      lines: (data.lines.length ? data.lines : [{}]).map((line) => Object.assign(blank(), line, {key: ++counter})),
      customerId: data.customerId,
      add() { this.lines.push(blank()); },
      remove(index) { this.lines.splice(index, 1); },
      rowLabel(index) { return data.productLabel + " " + (index + 1); },
      currentCustomer() {
        const select = document.getElementById("customer_id");
        return (select && select.value) || this.customerId || "";
      },
      picker(el, line) {
        const editor = this;
        const options = line.product_id ? [{id: String(line.product_id), label: line.product_label || ("#" + line.product_id)}] : [];
        new TomSelect(el, {
          valueField: "id", labelField: "label", searchField: ["label"], maxOptions: 30, preload: "focus",
          options: options, items: line.product_id ? [String(line.product_id)] : [], allowEmptyOption: true,
          placeholder: data.placeholder,
          load(query, callback) {
            fetch("/quotes/product-options?q=" + encodeURIComponent(query), {credentials: "same-origin"})
              .then((r) => r.json()).then(callback).catch(() => callback());
          },
          onChange(value) {
            line.product_id = value || "";
            if (value) { line.description = ""; line.unit = ""; line.unit_price = ""; line.tax_rate = ""; editor.reprice(line); }
          },
        });
      },
      reprice(line) {
        if (!line.product_id) { return; }
        const params = new URLSearchParams({product_id: line.product_id, quantity: line.quantity || "1"});
        const customer = this.currentCustomer();
        if (customer) { params.set("customer_id", customer); }
        const day = document.getElementById("quote_date") || document.getElementById("order_date");
        if (day && day.value) { params.set("on", day.value); }
        fetch("/quotes/price?" + params, {credentials: "same-origin"}).then((r) => r.ok ? r.json() : null).then((price) => {
          if (!price) { return; }
          line.description = line.description || price.description;
          line.unit = line.unit || price.unit;
          line.unit_price = price.unit_price;
          line.tax_rate = line.tax_rate || price.tax_rate;
        });
      },
      estimate(line) {
        // Display only: the server computes the exact Decimal figures on save.
        const q = parseFloat(line.quantity), p = parseFloat(line.unit_price);
        if (isNaN(q) || isNaN(p)) { return ""; }
        const d = parseFloat(line.discount_rate) || 0, t = parseFloat(line.tax_rate) || 0;
        const net = Math.round(q * p * (1 - d) * 100) / 100;
        return (net + Math.round(net * t * 100) / 100).toFixed(2);
      },
      grandEstimate() {
        return this.lines.reduce((sum, line) => sum + (parseFloat(this.estimate(line)) || 0), 0).toFixed(2);
      },
      serialise() {
        const kept = this.lines.filter(hasContent);
        this.$refs.linesJson.value = JSON.stringify(kept.map((line) => Object.fromEntries(LINE_KEYS.map((k) => [k, line[k]]))));
        // Removing every line is said out loud: the server keeps the lines of a form whose
        // editor posted nothing.
        this.$refs.clearLines.value = kept.length ? "" : "1";
      },
    };
  }

  document.addEventListener("alpine:init", () => window.Alpine.data("quoteEditor", quoteEditor));
})();
