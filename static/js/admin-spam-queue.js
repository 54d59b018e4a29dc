// The moderation queue from the keyboard: j/k move between rows, x selects the row and moves
// on, a approves, s files as spam, n marks not spam, t approves and trusts the commenter, d
// deletes for good (after a confirmation). An
// action applies to the selected rows, or to the current row when none is selected. Without
// this script the queue works as any admin list does.
(function () {
  "use strict";
  var form = document.getElementById("changelist-form");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("#result_list tbody tr"));
  var actions = { a: "approve", s: "mark_spam", n: "mark_not_spam", t: "trust_commenters" };
  var current = -1;

  function checkbox(row) {
    return row.querySelector("input.action-select");
  }

  function moveTo(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) {
      rows[current].classList.remove("kbd-current");
      rows[current].removeAttribute("aria-current");
    }
    current = index;
    rows[current].classList.add("kbd-current");
    rows[current].setAttribute("aria-current", "true");
    var box = checkbox(rows[current]);
    if (box) box.focus({ preventScroll: true });
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function run(action) {
    var select = form.querySelector("select[name=action]");
    var go = form.querySelector("button[name=index]");
    if (!select || !go || !select.querySelector('option[value="' + action + '"]')) return;
    var chosen = rows.filter(function (row) {
      var box = checkbox(row);
      return box && box.checked;
    });
    if (!chosen.length && current >= 0) checkbox(rows[current]).click();
    select.value = action;
    form.requestSubmit(go);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.matches("input[type=text], input[type=search], textarea, select")) return;
    var key = event.key;
    if (key === "j" || key === "ArrowDown") {
      moveTo(current + 1);
    } else if (key === "k" || key === "ArrowUp") {
      moveTo(current - 1);
    } else if (key === "x") {
      if (current < 0) moveTo(0);
      checkbox(rows[current]).click();
      moveTo(current + 1);
    } else if (key === "d") {
      if (current < 0 && rows.length) moveTo(0);
      if (window.confirm("Delete the selected comments for good?")) run("delete_comments");
    } else if (Object.prototype.hasOwnProperty.call(actions, key)) {
      if (current < 0 && rows.length) moveTo(0);
      run(actions[key]);
    } else {
      return;
    }
    event.preventDefault();
  });

  if (rows.length) moveTo(0);
})();
