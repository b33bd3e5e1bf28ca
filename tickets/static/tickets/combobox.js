// An accessible combobox for the call-taker's desk (WAI-ARIA 1.2 "combobox with listbox popup",
// list autocomplete): type in a text field, the matches appear under it, ↓/↑ move, Enter
// chooses, Escape closes. The chosen value goes to a hidden field; the text field shows its path.
// Without JavaScript the page keeps a plain text field and the server lists the matches.
// No inline script or style: the page's Content-Security-Policy allows only its own files.
(function () {
  "use strict";
  let counter = 0;

  function make(input, hidden, options) {
    const id = "combobox-" + ++counter;
    const list = document.createElement("ul");
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    if (options.label) list.setAttribute("aria-label", options.label);
    input.parentElement.append(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    let items = [];
    let active = -1;
    let chosenText = hidden.value ? input.value : null;
    let timer = null;
    let asked = 0;

    function open() {
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(found, heading) {
      items = found;
      list.replaceChildren();
      if (heading && found.length) {
        const label = document.createElement("li");
        label.className = "group-label";
        label.setAttribute("role", "presentation");
        label.textContent = heading;
        list.append(label);
      }
      found.forEach((item, i) => {
        const option = document.createElement("li");
        option.id = id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.append(item.label);
        if (item.context) {
          const context = document.createElement("span");
          context.className = "context";
          context.textContent = item.context;
          option.append(context);
        }
        option.addEventListener("mousedown", (event) => event.preventDefault());
        option.addEventListener("click", () => choose(i));
        list.append(option);
      });
      open();
      highlight(found.length ? 0 : -1);
    }

    function set(item) {
      input.value = item.path;
      hidden.value = item.value;
      chosenText = item.path;
    }

    function choose(index) {
      const item = items[index];
      if (!item) return;
      set(item);
      close();
      if (options.onChoose) options.onChoose(item);
    }

    function clear() {
      hidden.value = "";
      chosenText = null;
      if (options.onClear) options.onClear();
    }

    function search() {
      const query = input.value.trim();
      const mine = ++asked;
      if (!query) {
        const initial = options.initial ? options.initial() : [];
        render(initial, options.initialHeading);
        return;
      }
      options.source(query).then((found) => {
        if (mine === asked && document.activeElement === input) render(found);
      });
    }

    input.addEventListener("input", () => {
      if (chosenText !== null && input.value !== chosenText) clear();
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("focus", () => {
      if (!input.value.trim()) search();
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
    input.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) {
          search();
        } else {
          highlight(Math.min(active + 1, items.length - 1));
        }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        // Enter never sends the form from here: it chooses, or does nothing.
        event.preventDefault();
        if (!list.hidden && active >= 0) choose(active);
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });

    return { set, clear, close, chosen: () => hidden.value };
  }

  window.DeskCombobox = make;
})();
