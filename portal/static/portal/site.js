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

    // Fill the list below `parent` from the server; resolves once it is filled (or hidden).
    function fill(parent) {
      var child = select(parent.getAttribute("data-child"));
      var value = parent.value;
      resetBelow(parent);
      if (!child || !value) {
        return Promise.resolve();
      }
      var url = urls[parent.getAttribute("data-tree")].replace("CODE", encodeURIComponent(value));
      return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
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

    // Set the place lists to `codes` (district first, as far as known), loading each list
    // below as it goes. The place search uses it; so can anything else that finds a place
    // (e.g. a map), by dispatching a "portal:choose-place" event with {detail: {codes: […]}}.
    function choosePlace(codes) {
      var names = ["district", "street", "community"];
      var step = Promise.resolve();
      names.forEach(function (name, position) {
        step = step.then(function () {
          var field = select(name);
          if (!field || position >= codes.length) {
            return;
          }
          field.value = codes[position];
          return fill(field);
        });
      });
      return step;
    }

    form.addEventListener("portal:choose-place", function (event) {
      choosePlace(event.detail.codes || []);
    });
    return choosePlace;
  }

  function placeSearch(form, choosePlace) {
    var box = form.querySelector("[data-place-search]");
    if (!box || !choosePlace) {
      return;
    }
    var input = box.querySelector("input");
    var results = box.querySelector("[data-place-results]");
    var status = box.querySelector("[data-place-status]");
    var timer = null;
    var asked = "";

    function show(options) {
      results.textContent = "";
      options.forEach(function (option) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        var name = document.createElement("strong");
        var context = document.createElement("span");
        button.type = "button";
        button.className = "place-result";
        name.textContent = option.label;
        context.className = "option-hint";
        context.textContent = option.context;
        button.appendChild(name);
        button.appendChild(document.createTextNode(" "));
        button.appendChild(context);
        button.addEventListener("click", function () {
          results.hidden = true;
          results.textContent = "";
          input.value = "";
          choosePlace(option.codes).then(function () {
            status.textContent = box.getAttribute("data-chosen");
          });
        });
        item.appendChild(button);
        results.appendChild(item);
      });
      results.hidden = options.length === 0;
      status.textContent = box.getAttribute(options.length ? "data-found" : "data-none");
    }

    function search() {
      var query = input.value.trim();
      if (query === asked) {
        return;
      }
      asked = query;
      if (!query) {
        show([]);
        status.textContent = "";
        return;
      }
      var url = box.getAttribute("data-url") + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() === query) {
            show(data.options);
          }
        })
        .catch(function () {
          asked = ""; // the "find" button still works without the script's help
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        asked = "";
        search();
      }
    });
    box.querySelector("[data-find-place]").addEventListener("click", function (event) {
      event.preventDefault();
      asked = "";
      search();
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
    placeSearch(form, dependentSelects(form));
    geolocation(form);
    counter(form);
    anonymousToggle(form);
  }
})();
