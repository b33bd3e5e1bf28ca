/* The residents' site, made quicker where JavaScript runs. Every page works without it:
   the dependent selects have "show the next list" buttons (in <noscript>), the map point can
   be typed, errors are listed at the top. Texts come from the page (data-* attributes), so
   they are translated with the rest of it. Loaded as a static file: the Content-Security-Policy
   allows no inline script. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function dependentSelects(form) {
    var urls = {
      categories: form.getAttribute("data-categories-url"),
      regions: form.getAttribute("data-regions-url")
    };

    function select(name) {
      return name ? form.querySelector('select[name="' + name + '"]') : null;
    }

    function group(field) {
      return document.getElementById("group-" + field.name);
    }

    function setOptions(field, placeholder, options) {
      while (field.options.length) {
        field.remove(0);
      }
      field.add(new Option(placeholder, ""));
      options.forEach(function (option) {
        field.add(new Option(option.label, option.value));
      });
      field.disabled = options.length === 0;
    }

    function resetBelow(parent) {
      var child = select(parent.getAttribute("data-child"));
      while (child) {
        setOptions(child, child.getAttribute("data-waiting") || "", []);
        group(child).hidden = false;
        child = select(child.getAttribute("data-child"));
      }
    }

    function hideBelow(parent) {
      var child = select(parent.getAttribute("data-child"));
      while (child) {
        group(child).hidden = true;
        child = select(child.getAttribute("data-child"));
      }
    }

    function refreshWithoutScript() {
      var refresh = document.createElement("input");
      refresh.type = "hidden";
      refresh.name = "_refresh";
      refresh.value = "1";
      form.appendChild(refresh);
      form.submit();
    }

    function fill(parent) {
      var child = select(parent.getAttribute("data-child"));
      var value = parent.value;
      resetBelow(parent);
      if (!child || !value) {
        return;
      }
      var url = urls[parent.getAttribute("data-tree")].replace("CODE", encodeURIComponent(value));
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (parent.value !== value) {
            return; // the resident chose again meanwhile
          }
          if (!data.options.length) {
            hideBelow(parent);
            return;
          }
          setOptions(child, child.getAttribute("data-choose") || "", data.options);
        })
        .catch(refreshWithoutScript);
    }

    form.querySelectorAll("select[data-child]").forEach(function (field) {
      field.addEventListener("change", function () {
        fill(field);
      });
    });
  }

  function geolocation(form) {
    var button = form.querySelector("[data-geolocate]");
    var status = form.querySelector("[data-geolocate-status]");
    if (!button || !navigator.geolocation) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-locating");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("#id_latitude").value = position.coords.latitude.toFixed(6);
          form.querySelector("#id_longitude").value = position.coords.longitude.toFixed(6);
          status.textContent = button.getAttribute("data-located");
        },
        function () {
          status.textContent = button.getAttribute("data-failed");
        },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }

  function counter(form) {
    var output = form.querySelector("[data-counter-for]");
    if (!output) {
      return;
    }
    var field = document.getElementById(output.getAttribute("data-counter-for"));
    var text = output.getAttribute("data-text");
    var limit = output.getAttribute("data-limit");
    function update() {
      output.textContent = text.replace("%(count)s", field.value.length).replace("%(limit)s", limit);
    }
    output.hidden = false;
    field.addEventListener("input", update);
    update();
  }

  function anonymousToggle(form) {
    var box = form.querySelector("#id_anonymous");
    var contact = form.querySelector("[data-contact-fields]");
    if (!box || !contact) {
      return;
    }
    function update() {
      contact.hidden = box.checked;
    }
    box.addEventListener("change", update);
    update();
  }

  focusErrorSummary();
  var form = document.querySelector("form.submit-form");
  if (form) {
    dependentSelects(form);
    geolocation(form);
    counter(form);
    anonymousToggle(form);
  }
})();
