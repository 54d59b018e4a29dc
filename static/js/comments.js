/* Comments, enhanced: the reply form moves under the comment, likes count without a reload.
   Without this file every link and button still works as a plain request. */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  var form = respond && respond.querySelector("form");
  var home = respond && document.createComment("comment form");
  if (respond) respond.parentNode.insertBefore(home, respond);

  function setParent(id, name) {
    form.elements.reply_to.value = id || 0;
    var heading = respond.querySelector("[data-reply-heading]");
    heading.textContent = id ? "Reply to " + name : "Leave a comment";
    document.getElementById("cancel-reply").hidden = !id;
  }

  if (form) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-reply-to]");
      if (link) {
        event.preventDefault();
        link.closest("article").after(respond);
        setParent(link.getAttribute("data-reply-to"), link.getAttribute("data-reply-name"));
        form.elements.comment.focus();
        return;
      }
      if (event.target.id === "cancel-reply") {
        event.preventDefault();
        home.after(respond);
        setParent(0, "");
        form.elements.comment.focus();
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var likeForm = event.target.closest("[data-like-form]");
    if (!likeForm || !window.fetch) return;
    event.preventDefault();
    var button = likeForm.querySelector("button");
    button.disabled = true;
    fetch(likeForm.action, {
      method: "POST",
      body: new FormData(likeForm),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        likeForm.querySelector("[data-like-count]").textContent = data.label;
        if (data.liked) {
          button.textContent = "Liked";
          button.setAttribute("aria-pressed", "true");
        }
      });
    }).catch(function () {
      likeForm.submit();
    }).finally(function () {
      button.disabled = false;
    });
  });
})();
