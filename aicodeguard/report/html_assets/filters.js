// aicodeguard HTML reports: filter a table's rows by the form that names it
// (<form data-filters="TABLE-ID">); each control with data-key="K" compares its value
// with the rows' data-K attribute, exactly or (data-match="contains") as a substring.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-filters]");
  Array.prototype.forEach.call(forms, function (form) {
    var table = document.getElementById(form.getAttribute("data-filters"));
    if (!table || !table.tBodies.length) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var controls = form.querySelectorAll("[data-key]");
    var status = document.getElementById(form.getAttribute("data-status"));
    var empty = document.getElementById(form.getAttribute("data-empty"));
    var noun = form.getAttribute("data-noun") || "rows";
    function matches(row) {
      return Array.prototype.every.call(controls, function (control) {
        var wanted = control.value.trim().toLowerCase();
        if (!wanted) { return true; }
        var have = (row.getAttribute("data-" + control.getAttribute("data-key")) || "").toLowerCase();
        return control.getAttribute("data-match") === "contains" ? have.indexOf(wanted) !== -1
          : have === wanted;
      });
    }
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = matches(row);
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (status) { status.textContent = "Showing " + shown + " of " + rows.length + " " + noun + "."; }
      if (empty) { empty.hidden = shown !== 0; }
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    if (status) { status.hidden = false; }
    apply();
  });
}());
