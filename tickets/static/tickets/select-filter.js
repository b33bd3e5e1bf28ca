// The ticket list's select filters (lead unit): the admin's select2 lets staff type part of a
// name, and choosing applies the filter at once. Without JavaScript the select and its button
// work as a plain form.
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("form.select-filter").forEach(function (form) {
      const select = form.querySelector("select");
      const button = form.querySelector("button");
      if (!select) return;
      if (button) button.hidden = true;
      const $ = window.django && window.django.jQuery;
      if ($ && $.fn.select2) {
        $(select)
          .select2({ width: "100%", dropdownAutoWidth: true })
          .on("change", function () { form.submit(); });
      } else {
        select.addEventListener("change", function () { form.submit(); });
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
