// The planning job page: poll the job's status every second while it runs, show the best plan
// so far and the gap to the best possible, and show the finished plan in place once there is
// nothing to wait for.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var text = document.getElementById("job-progress-text");
  var meter = document.getElementById("job-meter");
  var shown = text ? text.textContent.trim() : "";
  var tag = document.getElementById("job-status-tag");
  var colours = tag ? JSON.parse(tag.getAttribute("data-colours")) : {};

  // The status tag follows the job's real state (queued, running, finished or failed).
  function showStatus(status, label) {
    if (!tag || !status || tag.getAttribute("data-job-status") === status) { return; }
    var old = colours[tag.getAttribute("data-job-status")];
    if (old) { tag.classList.remove("nhsuk-tag--" + old); }
    if (colours[status]) { tag.classList.add("nhsuk-tag--" + colours[status]); }
    tag.setAttribute("data-job-status", status);
    tag.textContent = label;
  }

  // Once there is nothing to wait for, the finished page's content replaces this one's in place
  // (no reload): the scroll position and the focused control stay, and a status message says the
  // plan is ready (WCAG 2.4.3, 3.2.5). A reload is the fallback if the page cannot be fetched.
  function showResult() {
    var main = document.getElementById("maincontent");
    fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("maincontent");
        if (!main || !next) { throw new Error("no main content"); }
        var focused = document.activeElement && document.activeElement.id;
        var x = window.scrollX, y = window.scrollY;
        main.innerHTML = next.innerHTML;
        var done = document.createElement("p");
        done.className = "nhsuk-u-visually-hidden";
        done.setAttribute("role", "status");
        main.appendChild(done);
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus({ preventScroll: true }); }
        window.scrollTo(x, y);
        window.setTimeout(function () { done.textContent = "The plan is ready. Its results are shown on this page."; }, 100);
      })
      .catch(function () { window.location.reload(); });
  }

  function gapText(gap) {
    if (gap === null || gap === undefined) { return "unknown"; }
    return gap < 0.05 ? "0% (proven best)" : gap.toFixed(1) + "%";
  }

  function tick() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) {
        showStatus(d.status, d.status_label);
        if (!d.active && d.what_ifs_waiting === 0) { showResult(); return; }
        var message;
        if (d.active && d.objective !== null) {
          message = "Best plan so far offers priority " + d.objective + " of at most " + d.bound +
            " (gap " + gapText(d.gap) + "), after " + d.wall_s.toFixed(1) + " seconds.";
        } else if (d.active) {
          message = d.status_label + ": the first plan comes in about a second.";
        } else {
          message = "The plan is ready; waiting for the what-if answers below.";
        }
        if (text && message !== shown) { text.textContent = message; shown = message; }
        if (meter && d.gap !== null) { meter.value = Math.round(100 - d.gap); meter.textContent = Math.round(100 - d.gap) + "%"; }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
}());
