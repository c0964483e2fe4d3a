// The planning job page: poll the job's status every second while it runs, show the best plan
// so far and the gap to the best possible, and reload the page once there is nothing to wait for.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var text = document.getElementById("job-progress-text");
  var meter = document.getElementById("job-meter");
  var shown = text ? text.textContent.trim() : "";

  function gapText(gap) {
    if (gap === null || gap === undefined) { return "unknown"; }
    return gap < 0.05 ? "0% (proven best)" : gap.toFixed(1) + "%";
  }

  function tick() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) {
        if (!d.active && d.what_ifs_waiting === 0) { window.location.reload(); return; }
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
