// Post screen helpers. The form works without them: "Preview without saving" renders the same
// preview on the server, and image snippets can be copied by hand.
(function () {
  "use strict";

  const config = document.getElementById("post-authoring");
  const body = document.getElementById("id_body");
  if (!config || !body) {
    return;
  }
  const form = body.form;
  const csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");

  // Live preview: the server renders with the public page's Markdown and sanitizer, so what
  // appears here is exactly what readers will get.
  const panel = document.createElement("section");
  panel.className = "markdown-preview live-preview";
  panel.setAttribute("aria-label", "Live preview of the body and the review");
  const heading = document.createElement("h2");
  heading.textContent = "Live preview";
  const output = document.createElement("div");
  output.className = "preview-body";
  output.setAttribute("aria-live", "polite");
  panel.append(heading, output);
  (body.closest(".form-row") || body).after(panel);

  let timer = null;
  let controller = null;

  async function refresh() {
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    const data = new FormData();
    data.append("body", body.value);
    // The review's rating and sections (marked by the reviews app) are previewed too.
    form.querySelectorAll("[data-live-preview]").forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) {
        return;
      }
      data.append(field.name, field.value);
    });
    if (csrfInput) {
      data.append("csrfmiddlewaretoken", csrfInput.value);
    }
    try {
      const response = await fetch(config.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      output.innerHTML = await response.text(); // sanitized HTML from render_markdown
    } catch (error) {
      if (error.name !== "AbortError") {
        output.textContent = "The preview could not be loaded; the Preview button still works.";
      }
    }
  }

  function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }
  body.addEventListener("input", refreshSoon);
  form.querySelectorAll("[data-live-preview]").forEach(function (field) {
    field.addEventListener(field.type === "radio" ? "change" : "input", refreshSoon);
  });
  refresh();

  // Images: insert a saved image's Markdown where the cursor is in the body.
  function insertAtCursor(text) {
    const start = body.selectionStart ?? body.value.length;
    const end = body.selectionEnd ?? start;
    const before = body.value.slice(0, start);
    const after = body.value.slice(end);
    const snippet = (before && !before.endsWith("\n\n") ? "\n\n" : "") + text + "\n\n";
    body.value = before + snippet + after;
    body.focus();
    body.selectionStart = body.selectionEnd = start + snippet.length;
    refresh();
  }
  document.querySelectorAll("button.insert-image").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      insertAtCursor(button.dataset.snippet);
    });
  });

  // Challenge letter: suggest the letter the A to Z calendar gives the publication date: the
  // challenge's stored schedule when the page carries it, else the rule of blog/challenge.py
  // (April, one letter a day, Sundays off; a short April counts its last Sunday).
  const dateInput = document.getElementById("id_published_at_0");
  const letterSelect = document.getElementById("id_challenge_letter");
  if (!dateInput || !letterSelect) {
    return;
  }
  const hint = document.createElement("span");
  hint.className = "letter-suggestion";
  hint.setAttribute("aria-live", "polite");
  letterSelect.after(hint);

  const calendarsData = document.getElementById("challenge-calendars");
  const calendars = calendarsData ? JSON.parse(calendarsData.textContent) : {};

  function ruleDays(year) {
    const days = [];
    const sundays = [];
    for (let date = 1; date <= 30; date += 1) {
      const day = new Date(Date.UTC(year, 3, date));
      (day.getUTCDay() === 0 ? sundays : days).push(day);
    }
    const spare = sundays.reverse().slice(0, Math.max(0, 26 - days.length));
    return days.concat(spare).sort((a, b) => a - b).map((day) => day.toISOString().slice(0, 10));
  }

  function expectedLetter(date) {
    const year = date.getUTCFullYear();
    const days = calendars[String(year)] || ruleDays(year);
    const index = days.indexOf(date.toISOString().slice(0, 10));
    return index >= 0 ? String.fromCharCode(65 + index) : null;
  }

  let shown = null;

  function suggest() {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateInput.value.trim());
    const date = match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3])) : null;
    let letter = date ? expectedLetter(date) : null;
    if (letter === letterSelect.value) {
      letter = null;
    }
    // Rebuilding the same hint would swap the button under a click (the date field's change
    // event fires as focus moves to the button), and the click would be lost.
    if (letter === shown) {
      return;
    }
    shown = letter;
    hint.replaceChildren();
    if (!letter) {
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Use “" + letter + "”";
    button.addEventListener("click", function () {
      letterSelect.value = letter;
      suggest();
    });
    hint.append(" The date gives “" + letter + "”. ", button);
  }
  dateInput.addEventListener("change", suggest);
  dateInput.addEventListener("input", suggest);
  letterSelect.addEventListener("change", suggest);
  suggest();
})();
