/* The rich-text editor of an HTML field (a knowledge article's body): Squire (vendored) on an
   editable area in place of the field's textarea, under a toolbar the page renders in the
   reader's language (<template id="rich-text-toolbar">, kht/web/templates/_rich_text.html).

   The textarea stays in the form, hidden, and holds the editor's HTML after every change, so
   the form posts the same field as before and a refused form comes back with what was typed.
   The HTML button shows the textarea itself (the source). Pasted HTML is cleaned with
   DOMPurify in the browser; the server sanitises what it stores again (nh3). No inline script
   or handler: the Content-Security-Policy runs only the app's script files. */
(function () {
  "use strict";

  var SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/))/i;
  var LEAF_BLOCKS = "p,div,h1,h2,h3,h4,h5,h6";
  // Buttons that show whether the cursor is in their format, by the editor's path.
  var PATHS = {
    bold: /(^|>)B(>|$)/,
    italic: /(^|>)I(>|$)/,
    underline: /(^|>)U(>|$)/,
    h2: /(^|>)H2(>|$)/,
    h3: /(^|>)H3(>|$)/,
    ul: /(^|>)UL(>|$)/,
    ol: /(^|>)OL(>|$)/,
    quote: /(^|>)BLOCKQUOTE(>|$)/,
    link: /(^|>)A(>|$)/,
    code: /(^|>)(CODE|PRE)(>|$)/,
  };
  // Squire moves a table cell's text out of the table when it re-blocks it: in a cell, only
  // inline formats and links apply.
  var IN_CELL = /(^|>)T[HD](>|$)/;
  var BLOCK_COMMANDS = ["h2", "h3", "p", "ul", "ol", "quote", "code", "table", "image"];

  function sanitise(html) {
    // What nh3 keeps anyway: no styles, classes, forms or scripts in the editor either.
    var fragment = DOMPurify.sanitize(html, {
      RETURN_DOM_FRAGMENT: true,
      FORBID_TAGS: ["style", "form", "input", "button", "select", "textarea"],
      FORBID_ATTR: ["style", "class"],
    });
    return fragment ? document.importNode(fragment, true) : document.createDocumentFragment();
  }

  function retag(editor, tag) {
    // Headings and paragraphs: each innermost block of the selection becomes a `tag`.
    editor.modifyBlocks(function (fragment) {
      fragment.querySelectorAll(LEAF_BLOCKS).forEach(function (block) {
        if (block.querySelector(LEAF_BLOCKS)) return;
        var replacement = document.createElement(tag);
        while (block.firstChild) replacement.appendChild(block.firstChild);
        block.replaceWith(replacement);
      });
      return fragment;
    });
  }

  function insertTable(editor) {
    // A 3×3 table with a header row, the cursor in its first cell.
    var row = function (tag) {
      return "<tr>" + ("<" + tag + "><br></" + tag + ">").repeat(3) + "</tr>";
    };
    var table = document.createElement("table");
    table.innerHTML = "<thead>" + row("th") + "</thead><tbody>" + row("td") + row("td") + "</tbody>";
    editor.insertElement(table);
    var range = document.createRange();
    range.setStart(table.querySelector("th"), 0);
    range.collapse(true);
    editor.setSelection(range);
  }

  function tidy(html) {
    // Squire falls back to a <div> when it empties the whole text (a heading or list made of
    // the last line): such a line is a paragraph. Empty lines at the end are dropped.
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var root = holder.content;
    Array.from(root.children).forEach(function (block) {
      if (block.tagName !== "DIV" || block.querySelector(LEAF_BLOCKS + ",ul,ol,table,pre")) return;
      var paragraph = document.createElement("p");
      while (block.firstChild) paragraph.appendChild(block.firstChild);
      block.replaceWith(paragraph);
    });
    var last;
    while ((last = root.lastElementChild) && last.tagName === "P" && !last.textContent.trim() &&
           !last.querySelector("img") && root.children.length > 1) {
      last.remove();
    }
    return holder.innerHTML;
  }

  function RichText(form, textarea, toolbar) {
    this.textarea = textarea;
    this.toolbar = toolbar;
    this.area = document.createElement("div");
    this.area.className = "form-control kht-rich-text";
    this.area.id = textarea.id + "-editor";
    this.area.setAttribute("role", "textbox");
    this.area.setAttribute("aria-multiline", "true");
    var label = form.querySelector('label[for="' + textarea.id + '"]');
    if (label) this.area.setAttribute("aria-label", label.textContent.replace("*", "").trim());
    if (textarea.classList.contains("is-invalid")) this.area.classList.add("is-invalid");
    textarea.classList.add("font-monospace");
    textarea.rows = 12;
    textarea.before(toolbar, this.area);
    this.editor = new Squire(this.area, { blockTag: "P", sanitizeToDOMFragment: sanitise });
    this.load();
    this.showSource(false);
    this.editor.addEventListener("input", this.sync.bind(this));
    this.editor.addEventListener("pathChange", this.mark.bind(this));
    form.addEventListener("submit", this.sync.bind(this));
    toolbar.addEventListener("mousedown", function (event) {
      // A click on a button keeps the editor's selection (and focus) where it was.
      if (event.target.closest("button")) event.preventDefault();
    });
    toolbar.addEventListener("click", this.onClick.bind(this));
    this.urlInput().addEventListener("keydown", this.onUrlKey.bind(this));
  }

  RichText.prototype.load = function () {
    // The HTML as stored, unless the user changes something: loading alone never rewrites it.
    this.original = this.textarea.value;
    this.editor.setHTML(this.original);
    this.initial = this.editor.getHTML();
  };

  RichText.prototype.sync = function () {
    if (this.source) return;  // the textarea is what the user edits
    var html = this.editor.getHTML();
    this.textarea.value = html === this.initial ? this.original : tidy(html);
  };

  RichText.prototype.showSource = function (on) {
    this.source = on;
    this.textarea.classList.toggle("d-none", !on);
    this.area.classList.toggle("d-none", on);
    this.toolbar.querySelectorAll("button[data-command]").forEach(function (button) {
      var command = button.dataset.command;
      if (command !== "source") button.disabled = on;
      else button.setAttribute("aria-pressed", String(on));
    });
    this.closeUrl();
  };

  RichText.prototype.mark = function () {
    var path = this.editor.getPath();
    var editor = this.editor;
    var inCell = IN_CELL.test(path);
    this.toolbar.querySelectorAll("button[data-command]").forEach(function (button) {
      if (BLOCK_COMMANDS.indexOf(button.dataset.command) >= 0) button.disabled = inCell;
      var pattern = PATHS[button.dataset.command];
      if (!pattern) return;
      var on = path === "(selection)"
        ? ["bold", "italic", "underline"].indexOf(button.dataset.command) >= 0 &&
          editor.hasFormat(button.dataset.command.charAt(0).toUpperCase())
        : pattern.test(path);
      button.classList.toggle("active", on);
      button.setAttribute("aria-pressed", String(on));
    });
  };

  RichText.prototype.onClick = function (event) {
    var button = event.target.closest("button");
    if (!button || !this.toolbar.contains(button)) return;
    event.preventDefault();
    if (button.dataset.urlApply !== undefined) return this.applyUrl();
    if (button.dataset.urlCancel !== undefined) return this.closeUrl(true);
    var command = button.dataset.command;
    if (button.disabled) return;
    if (command === "source") {
      if (this.source) {
        this.showSource(false);
        this.load();
      } else {
        this.sync();
        this.showSource(true);
        this.textarea.focus();
      }
      return;
    }
    this.run(command);
    this.sync();
  };

  RichText.prototype.run = function (command) {
    var editor = this.editor;
    var path = editor.getPath();
    var toggles = {
      bold: ["B", editor.bold, editor.removeBold],
      italic: ["I", editor.italic, editor.removeItalic],
      underline: ["U", editor.underline, editor.removeUnderline],
    };
    if (toggles[command]) {
      var toggle = toggles[command];
      (editor.hasFormat(toggle[0]) ? toggle[2] : toggle[1]).call(editor);
    } else if (command === "h2" || command === "h3") {
      retag(editor, PATHS[command].test(path) ? "p" : command);
    } else if (command === "p") {
      retag(editor, "p");
    } else if (command === "ul" || command === "ol") {
      if (PATHS[command].test(path)) editor.removeList();
      else if (command === "ul") editor.makeUnorderedList();
      else editor.makeOrderedList();
    } else if (command === "quote") {
      if (PATHS.quote.test(path)) editor.decreaseQuoteLevel();
      else editor.increaseQuoteLevel();
    } else if (command === "code") {
      editor.toggleCode();
    } else if (command === "table") {
      insertTable(editor);
    } else if (command === "link" && PATHS.link.test(path)) {
      editor.removeLink();
    } else if (command === "link" || command === "image") {
      this.openUrl(command);
    } else if (command === "undo") {
      editor.undo();
    } else if (command === "redo") {
      editor.redo();
    }
  };

  RichText.prototype.urlBar = function () {
    return this.toolbar.querySelector("[data-url-bar]");
  };

  RichText.prototype.urlInput = function () {
    return this.toolbar.querySelector("[data-url-input]");
  };

  RichText.prototype.openUrl = function (mode) {
    this.urlMode = mode;
    this.range = this.editor.getSelection();
    var bar = this.urlBar();
    bar.classList.remove("d-none");
    bar.querySelectorAll("[data-url-label]").forEach(function (label) {
      label.classList.toggle("d-none", label.dataset.urlLabel !== mode);
    });
    var input = this.urlInput();
    input.value = "";
    input.classList.remove("is-invalid");
    input.focus();
  };

  RichText.prototype.closeUrl = function (refocus) {
    var bar = this.urlBar();
    if (!bar) return;
    bar.classList.add("d-none");
    if (refocus) this.editor.focus();
  };

  RichText.prototype.applyUrl = function () {
    var input = this.urlInput();
    var url = input.value.trim();
    if (!SAFE_URL.test(url)) {
      input.classList.add("is-invalid");
      input.focus();
      return;
    }
    this.closeUrl(false);
    this.editor.setSelection(this.range);
    this.editor.focus();
    if (this.urlMode === "image") this.editor.insertImage(url, { alt: "" });
    else this.editor.makeLink(url);
    this.sync();
  };

  RichText.prototype.onUrlKey = function (event) {
    // Enter inserts (and never submits the article form); Escape goes back to the text.
    if (event.key === "Enter") {
      event.preventDefault();
      this.applyUrl();
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.closeUrl(true);
    }
  };

  function start() {
    var template = document.getElementById("rich-text-toolbar");
    if (!template || typeof Squire === "undefined") return;
    document.querySelectorAll("form[data-rich-text]").forEach(function (form) {
      form.dataset.richText.split(/\s+/).forEach(function (name) {
        var textarea = form.elements[name];
        if (!textarea || textarea.tagName !== "TEXTAREA") return;
        var toolbar = template.content.firstElementChild.cloneNode(true);
        new RichText(form, textarea, toolbar);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
