// The photo form: shows the file the editor has just chosen next to the alt text field, before
// anything is sent. The picture stays in the browser (a blob: address, which the photo form's
// Content Security Policy allows); without JavaScript it appears after the first save instead.
(function () {
  "use strict";

  var shown = null; // the blob: address on show, given back when replaced

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-preview]")) {
      return;
    }
    var figure = document.getElementById(input.dataset.preview);
    var file = input.files && input.files[0];
    if (!figure || !file || !file.type.startsWith("image/")) {
      return;
    }
    var img = figure.querySelector("img");
    var caption = figure.querySelector("figcaption");
    if (!img) {
      img = document.createElement("img");
      img.alt = ""; // the alt text field beside it says what is in the picture
      figure.insertBefore(img, figure.firstChild);
    }
    img.hidden = false;
    img.onerror = function () {
      // Not every file a browser can read is one it can draw (a TIFF, or no image at all).
      img.hidden = true;
      caption.textContent = "This browser cannot show this file; Newsroom checks it when you save.";
    };
    if (shown) {
      URL.revokeObjectURL(shown);
    }
    shown = URL.createObjectURL(file);
    img.removeAttribute("width");
    img.removeAttribute("height");
    img.src = shown;
    caption.textContent = "The file you chose, not saved yet.";
  });
})();
