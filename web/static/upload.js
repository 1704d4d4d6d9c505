// Progressive enhancement for evidence uploads: drag a file onto the drop zone,
// see upload progress, and show only the fields the chosen kind needs. Without
// this script the forms work as plain multipart posts.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var kind = form.querySelector("select[name=kind]");
    var file = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var zone = form.querySelector(".dropzone");
    function showKind() {
      if (!kind) return;
      form.querySelectorAll("[data-kind]").forEach(function (el) {
        el.hidden = el.getAttribute("data-kind") !== kind.value;
      });
    }
    if (kind) { kind.addEventListener("change", showKind); showKind(); }
    if (zone && file) {
      ["dragenter", "dragover"].forEach(function (t) {
        zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.add("dragging"); });
      });
      ["dragleave", "drop"].forEach(function (t) {
        zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.remove("dragging"); });
      });
      zone.addEventListener("drop", function (ev) {
        if (ev.dataTransfer && ev.dataTransfer.files.length) { file.files = ev.dataTransfer.files; }
      });
    }
    form.addEventListener("submit", function (ev) {
      if (!bar || !file || !file.files.length || !window.FormData) return;
      ev.preventDefault();
      // Fields first and the file last: the server streams the file part
      // straight into storage once it has read the fields before it.
      var data = new FormData();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "file" || el.disabled) return;
        if (el.type === "select-multiple") {
          Array.prototype.forEach.call(el.selectedOptions, function (o) { data.append(el.name, o.value); });
        } else if ((el.type !== "checkbox" && el.type !== "radio") || el.checked) {
          data.append(el.name, el.value);
        }
      });
      data.append(file.name, file.files[0]);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total);
      });
      xhr.addEventListener("load", function () {
        // Show the page the request ended on rather than loading it again: the
        // redirect it followed already consumed its one-time message.
        if (xhr.responseURL) { history.replaceState(null, "", xhr.responseURL); }
        document.open(); document.write(xhr.responseText); document.close();
      });
      xhr.addEventListener("error", function () { bar.hidden = true; alert("The upload failed. Check your connection and try again."); });
      xhr.send(data);
    });
  });
})();
