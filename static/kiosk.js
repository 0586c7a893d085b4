/* 议事厅 kiosk: the on-screen keypad types locally, and an idle countdown with 继续使用.
   Without this script each key is posted and a <noscript> meta refresh ends the session. */
(function () {
  "use strict";
  var me = document.currentScript, field = null;
  // Fields the keypad types into; the last one touched gets the digits.
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("[data-keypad]")) field = e.target;
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".keypad button");
    var input = b && b.form && (b.form.contains(field) ? field
                                : b.form.querySelector("[data-keypad]"));
    if (!input) return;
    e.preventDefault();
    var v = input.value;
    if (b.value === "del") v = v.slice(0, -1);
    else if (b.value === "clear") v = "";
    else if (v.length < (input.maxLength > 0 ? input.maxLength : 12)) v += b.value;
    input.value = v;
  });
  // A form marked data-add-keypad gets an on-screen keypad (without JS: the plain fields).
  [].forEach.call(document.querySelectorAll("form[data-add-keypad]"), function (f) {
    var pad = document.createElement("div");
    pad.className = "keypad";
    pad.setAttribute("role", "group");
    pad.setAttribute("aria-label", "数字键盘");
    "1 2 3 4 5 6 7 8 9 del 0 clear".split(" ").forEach(function (k) {
      var b = document.createElement("button");
      b.type = "button";
      b.value = k;
      b.textContent = k === "del" ? "删除" : k === "clear" ? "清空" : k;
      pad.appendChild(b);
    });
    f.insertBefore(pad, f.querySelector("[type=submit]"));
  });
  // A receipt code goes at the next touch or after 15 s (without JS: a meta refresh).
  var receipt = document.querySelector("[data-hide-on-touch]");
  if (receipt) {
    var hide = function () { if (receipt.parentNode) receipt.parentNode.removeChild(receipt); };
    setTimeout(hide, 15000);
    document.addEventListener("pointerdown", hide, {once: true, capture: true});
  }
  if (!me || !me.dataset.idle) return;
  var limit = +me.dataset.idle, last = Date.now(), pending = null, timer, bar, count;
  function ping() {
    // Count from the answer: never earlier than the server saw the request.
    fetch(me.dataset.ping, {credentials: "same-origin", cache: "no-store"})
      .then(function () { last = Date.now(); }, function () {})
      .then(function () { pending = null; });
  }
  function touched() {
    if (!pending) pending = setTimeout(ping, Math.max(0, last + 5000 - Date.now()));
  }
  function leave() {
    clearInterval(timer);
    var f = document.createElement("form");
    f.method = "post";
    f.action = me.dataset.exit;
    document.body.appendChild(f);
    f.submit();
  }
  function tick() {
    var left = Math.ceil(limit - (Date.now() - last) / 1000);
    if (left <= 0) { leave(); return; }
    count.textContent = left;
    bar.hidden = left > 20;
  }
  function start() {
    bar = document.createElement("div");
    bar.className = "idle";
    bar.setAttribute("role", "timer");
    bar.hidden = true;
    bar.innerHTML = "<span>还有 <b>" + limit + "</b> 秒自动退出</span> ";
    count = bar.querySelector("b");
    var again = document.createElement("button");
    again.type = "button";
    again.textContent = "继续使用";
    bar.appendChild(again);
    (document.getElementById("main") || document.body).appendChild(bar);
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (t) {
      document.addEventListener(t, touched, {passive: true, capture: true});
    });
    timer = setInterval(tick, 1000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
