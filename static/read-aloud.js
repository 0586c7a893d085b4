/* 长辈模式: a 朗读 button that reads the page's main text aloud in Chinese.
   Added by this script, so without JavaScript (or speech) there is simply no button. */
(function () {
  "use strict";
  if (!("speechSynthesis" in window)) return;
  var synth = window.speechSynthesis;
  function add() {
    var main = document.getElementById("main");
    if (!main || main.querySelector(".read-aloud")) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "read-aloud secondary noprint";
    b.textContent = "朗读";
    b.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); b.textContent = "朗读"; return; }
      var text = [].map.call(main.children, function (el) {
        return el === b ? "" : el.innerText;
      }).join("\n");
      var u = new SpeechSynthesisUtterance(text);
      u.lang = "zh-CN";
      u.rate = 0.9;
      u.onend = u.onerror = function () { b.textContent = "朗读"; };
      synth.speak(u);
      b.textContent = "停止朗读";
    });
    main.insertBefore(b, main.firstChild);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", add);
  else add();
  // hx-boost swaps the page body: stop speaking and put the button back.
  document.addEventListener("htmx:beforeSwap", function () { synth.cancel(); });
  document.addEventListener("htmx:afterSettle", add);
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
