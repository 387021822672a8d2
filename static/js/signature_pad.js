// Signing pages: an optional drawn signature, on top of the typed name that
// is the signature in law here. Without JavaScript the canvas stays hidden.
(function () {
  "use strict";
  var area = document.getElementById("draw-area");
  var canvas = document.getElementById("draw");
  var form = document.getElementById("sign-form");
  if (!area || !canvas || !form || !canvas.getContext) return;
  var field = form.querySelector("input[name=drawn]");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  area.hidden = false;
  ctx.lineWidth = 2;
  ctx.lineCap = "round";
  ctx.strokeStyle = "#111";
  function at(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (canvas.width / box.width),
      y: (event.clientY - box.top) * (canvas.height / box.height),
    };
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    var p = at(event);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    var p = at(event);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    drawn = true;
  });
  function stop() {
    drawing = false;
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  document.getElementById("draw-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  });
  form.addEventListener("submit", function () {
    if (field) field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
