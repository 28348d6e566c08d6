// Handwritten signature on a canvas (finger or mouse), posted as a PNG data URL.
(function () {
  "use strict";
  var canvas = document.querySelector("canvas[data-signature]");
  if (!canvas) return;
  var input = document.querySelector("input[name=signature]");
  var ctx = canvas.getContext("2d");
  var drawing = false, drawn = false, width = 0;
  function fit() {
    var ratio = window.devicePixelRatio || 1, rect = canvas.getBoundingClientRect();
    width = rect.width;
    canvas.width = rect.width * ratio; canvas.height = rect.height * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, rect.width, rect.height);
    drawn = false; input.value = "";
  }
  function pos(e) { var r = canvas.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; }
  canvas.addEventListener("pointerdown", function (e) {
    drawing = true; canvas.setPointerCapture(e.pointerId); var p = pos(e); ctx.beginPath(); ctx.moveTo(p.x, p.y);
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drawing) return; var p = pos(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true;
  });
  function end() { if (drawing) { drawing = false; if (drawn) input.value = canvas.toDataURL("image/png"); } }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  var clear = document.querySelector("[data-signature-clear]");
  if (clear) clear.addEventListener("click", function (e) { e.preventDefault(); fit(); });
  // Phones resize the viewport when the keyboard opens (typing the name after signing):
  // only a change of the canvas's own width needs a new, empty pad.
  window.addEventListener("resize", function () {
    if (canvas.getBoundingClientRect().width !== width) fit();
  });
  fit();
})();
