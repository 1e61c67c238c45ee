// Enhancements only: the pages work without this file, except the embedded downloads.
(function () {
  "use strict";

  // Drag-and-drop onto the upload zone hands the file to the ordinary file input, so the form posts as usual.
  function dropZone() {
    var zone = document.getElementById("drop-zone");
    if (!zone) return;
    var input = zone.querySelector("input[type=file]");
    var shown = zone.querySelector(".file-name");
    var show = function () { shown.textContent = input.files.length ? input.files[0].name : ""; };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  }

  // Show only the transcript rows of the chosen label.
  function labelFilter() {
    var filter = document.getElementById("label-filter");
    if (!filter) return;
    var rows = document.querySelectorAll("#segments tbody tr");
    filter.hidden = false;
    filter.addEventListener("change", function (event) {
      var label = event.target.value;
      rows.forEach(function (row) { row.hidden = label !== "all" && row.dataset.label !== label; });
    });
  }

  // The analysis rides along in the page; turn it into files the links can download.
  function downloads() {
    document.querySelectorAll("a[data-embedded]").forEach(function (link) {
      var text = document.getElementById(link.dataset.embedded).textContent;
      var body = link.dataset.decode === "json" ? JSON.parse(text) : text;
      link.href = URL.createObjectURL(new Blob([body], { type: link.type }));
      link.hidden = false;
    });
  }

  // A click into the share link selects all of it, ready to copy.
  function shareLink() {
    var input = document.getElementById("share-link");
    if (input) input.addEventListener("focus", function () { input.select(); });
  }

  dropZone();
  labelFilter();
  downloads();
  shareLink();
})();
