// The header's quick search (search/_box.html): "/" or Ctrl-K (Cmd-K on a Mac) from anywhere
// on the page puts the focus in the box, unless the user is typing in a field, where the keys
// keep their usual meaning. The box itself is the shared combobox (js/combobox.js).
"use strict";
(function () {
  const box = document.getElementById("quick-q");
  if (!box) return;
  function typing(target) {
    if (!(target instanceof Element)) return false;
    return target.isContentEditable
      || target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true], [role=textbox]") !== null;
  }
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.altKey || typing(e.target)) return;
    const slash = e.key === "/" && !e.ctrlKey && !e.metaKey;
    const ctrlK = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.shiftKey;
    if (!slash && !ctrlK) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
})();
