// The call-taker's desk. As the call-taker types: the caller's earlier tickets and a repeat
// warning beside the number; suggestions for the words (categories with their confidence, the
// unit, knowledge-base articles, similar open tickets) from the suggestions endpoint; category
// and place by typing (combobox.js); the place found in the address. The shortcuts (Alt + key)
// are the page's accesskeys, handled here so every browser treats them alike.
//
// Everything here has a server-side twin for pages without JavaScript: the buttons this script
// takes over (Suggest, a suggested or found category or place) post the form, and the server
// renders the same panels from the same selectors. The rules (which kinds may be answered
// directly, which urgency classes a category allows) come from the server in #desk-rules,
// computed by the rules the services check.
(function () {
  "use strict";
  const form = document.getElementById("desk");
  if (!form || !window.DeskCombobox) return;
  const rules = JSON.parse(document.getElementById("desk-rules").textContent);
  const data = form.dataset;
  const field = (name) => form.elements.namedItem(name);
  const label = (id) => document.getElementById(id).textContent;
  const csrf = field("csrfmiddlewaretoken").value;
  const keys = rules.keys;
  const state = { phone: null, lead: null, regionFromAddress: false, suggested: [], submitting: false };

  // -- helpers ---------------------------------------------------------------------------------

  // The form is aria-busy while a look-up is waiting or on its way (suggestions, the caller's
  // history, the place of the address): what it shows is about to change.
  const pending = new Set();
  function busy(name, on) {
    if (on) pending.add(name);
    else pending.delete(name);
    if (pending.size) form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  }

  function later(fn, ms, name) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      busy(name, true);
      timer = setTimeout(fn, ms);
    };
  }

  function getJSON(url, params) {
    return fetch(url + "?" + new URLSearchParams(params), { credentials: "same-origin" }).then(
      (response) => (response.ok ? response.json() : Promise.reject(response.status)),
    );
  }

  function find(what, query) {
    return getJSON(data.findUrl, { what: what, q: query })
      .then((answer) => answer.results)
      .catch(() => []);
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function kbd(key) {
    return element("kbd", {}, "Alt+" + key.toUpperCase());
  }

  function percent(score) {
    return Math.round(score * 100) + "%";
  }

  // -- the caller ------------------------------------------------------------------------------

  const summary = document.getElementById("caller-summary");
  const historyRows = document.getElementById("caller-history-rows");
  const historyRow = document.getElementById("history-row");
  let historyAsked = 0;

  function refreshHistory() {
    const phone = field("contact_phone").value.replace(/[\s-]/g, "");
    if (phone.length < 7) {
      state.phone = null;
      busy("history", false);
      return;
    }
    busy("history", true);
    const mine = ++historyAsked;
    getJSON(data.historyUrl, {
      phone: phone,
      category: field("category").value,
      address: field("address").value,
    })
      .then((answer) => {
        if (mine !== historyAsked) return;
        const changed = state.phone !== answer.phone;
        state.phone = answer.phone;
        renderHistory(answer);
        if (changed && field("description").value.trim()) suggestSoon();
        busy("history", false);
      })
      .catch(() => mine === historyAsked && busy("history", false));
  }

  function renderHistory(answer) {
    historyRows.replaceChildren();
    summary.replaceChildren();
    if (!answer.phone) return;
    const repeat = answer.tickets.some((ticket) => ticket.repeat);
    if (repeat) {
      summary.append(element("strong", { class: "repeat" }, label("label-repeat-call")));
    } else if (answer.recent) {
      const text = label("label-recent").replace("{n}", answer.recent);
      summary.append(element("strong", { class: "recent" }, text));
    } else if (!answer.tickets.length) {
      summary.textContent = label("label-no-history");
    }
    for (const ticket of answer.tickets) {
      const row = historyRow.content.firstElementChild.cloneNode(true);
      const cells = row.querySelectorAll("td");
      const link = cells[0].querySelector("a");
      link.href = ticket.url;
      link.textContent = ticket.number;
      cells[1].textContent = ticket.submitted_at;
      cells[2].textContent = ticket.category;
      cells[3].textContent = ticket.status;
      cells[4].textContent = ticket.address;
      if (ticket.repeat) {
        row.classList.add("is-repeat");
        cells[5].append(element("span", { class: "repeat" }, label("label-repeat")));
      }
      historyRows.append(row);
    }
    const name = field("contact_name");
    if (answer.name && !name.value.trim() && !field("anonymous").checked) name.value = answer.name;
  }

  // -- suggestions -----------------------------------------------------------------------------

  const chips = document.getElementById("category-suggestions");
  const unitName = document.getElementById("suggested-unit");
  const articleRows = document.getElementById("article-rows");
  const similarRows = document.getElementById("similar-rows");
  let suggestAsked = 0;

  function suggest() {
    const description = field("description").value.trim();
    if (!description) {
      busy("suggest", false);
      return;
    }
    busy("suggest", true);
    const body = { description: description };
    if (state.phone) body.phone = state.phone;
    if (field("region").value) body.region = field("region").value;
    if (field("category").value) body.category = field("category").value;
    if (field("address").value.trim()) body.address = field("address").value.trim();
    const mine = ++suggestAsked;
    fetch(data.suggestUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((answer) => {
        if (mine !== suggestAsked) return;
        renderSuggestions(answer);
        busy("suggest", false);
      })
      .catch(() => mine === suggestAsked && busy("suggest", false));
  }
  const suggestSoon = later(suggest, 350, "suggest");

  function renderSuggestions(answer) {
    field("suggestion").value = answer.token;
    state.suggested = answer.categories.map((c) => ({
      value: c.code,
      label: c.name + " " + percent(c.score),
      context: c.path,
      path: c.path,
    }));
    chips.replaceChildren();
    answer.categories.forEach((category, i) => {
      const chip = element("button", {
        type: "submit",
        name: "take_category",
        value: category.code,
        "data-path": category.path,
        class: "chip" + (category.code === field("category").value ? " chosen" : ""),
        title: category.path,
      });
      chip.append(category.name + " ", element("span", { class: "score" }, percent(category.score)));
      if (i === 0) {
        chip.setAttribute("accesskey", keys.first_category);
        chip.setAttribute("aria-keyshortcuts", "Alt+" + keys.first_category.toUpperCase());
        chip.append(" ", kbd(keys.first_category));
      }
      chips.append(chip);
    });
    unitName.textContent = answer.unit ? answer.unit.name : "—";
    setLead(field("category").value && field("region").value ? answer.unit : null);
    renderArticles(answer.articles);
    similarRows.replaceChildren();
    for (const ticket of answer.similar) {
      const item = element("li");
      const link = element("a", { href: data.similarUrl + "?q=" + ticket.number }, ticket.number);
      const when = new Date(ticket.submitted_at);
      const stamp = `${String(when.getMonth() + 1).padStart(2, "0")}-${String(when.getDate()).padStart(2, "0")} ${String(when.getHours()).padStart(2, "0")}:${String(when.getMinutes()).padStart(2, "0")}`;
      item.append(link, " " + stamp + " ", element("span", { class: "similarity" }, percent(ticket.similarity)));
      similarRows.append(item);
    }
    if (!answer.similar.length) similarRows.append(element("li", { class: "none" }, label("label-none")));
  }

  function renderArticles(articles) {
    articleRows.replaceChildren();
    const mayAnswer = data.mayAnswer === "1";
    let keyGiven = false;
    for (const article of articles) {
      const item = element("li", { class: "article" + (article.expired ? " expired" : "") });
      item.append(element("a", { href: article.url, target: "_blank", rel: "noopener" }, article.title));
      if (article.expired) {
        item.append(" ", element("span", { class: "expired-flag" }, label("label-expired")));
      } else if (mayAnswer) {
        const button = element("button", {
          type: "submit",
          name: "answer_with",
          value: String(article.id),
          class: "button answer",
        });
        button.append(label("label-answer"));
        if (!keyGiven) {
          button.setAttribute("accesskey", keys.answer);
          button.setAttribute("aria-keyshortcuts", "Alt+" + keys.answer.toUpperCase());
          button.append(" ", kbd(keys.answer));
          keyGiven = true;
        }
        item.append(" ", button);
      }
      articleRows.append(item);
    }
    if (!articles.length) articleRows.append(element("li", { class: "none" }, label("label-no-articles")));
    applyKind();
  }

  // -- endings ---------------------------------------------------------------------------------

  const dispatchButton = document.getElementById("end-dispatch");
  const leadName = document.getElementById("lead-name");
  const answerRefused = document.getElementById("answer-refused");

  // The unit a dispatch goes to: the one the catalogue names for the category and place chosen.
  function setLead(unit) {
    state.lead = unit;
    field("lead").value = unit ? unit.code : "";
    if (leadName) leadName.textContent = unit ? unit.name : "—";
    applyDispatch();
  }

  function applyDispatch() {
    if (!dispatchButton) return;
    const kind = checkedKind();
    dispatchButton.disabled = !state.lead || (kind !== null && !rules.kinds.dispatch.includes(kind));
  }

  function checkedKind() {
    const checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : null;
  }

  // The articles answer only a call whose kind the rules let be answered directly.
  function applyKind() {
    const kind = checkedKind();
    const allowed = kind !== null && rules.kinds.answer.includes(kind);
    for (const button of form.querySelectorAll("button[name=answer_with]")) button.disabled = !allowed;
    let reason = "";
    if (!allowed && articleRows.querySelector("button")) {
      reason = kind === null ? label("label-choose-kind") : rules.refusals.answer[kind] || "";
    }
    answerRefused.textContent = reason;
    applyDispatch();
  }

  // -- category, urgency, place ----------------------------------------------------------------

  const urgency = field("urgency");
  const defaultOption = urgency.options[0];
  const genericDefault = defaultOption.dataset.generic || defaultOption.textContent;
  defaultOption.dataset.generic = genericDefault;

  function applyUrgency(code) {
    const rule = code ? rules.urgency[code] : null;
    for (const option of urgency.options) {
      if (!option.value) continue;
      option.disabled = rule ? !rule.allowed.includes(option.value) : false;
    }
    if (urgency.selectedOptions[0] && urgency.selectedOptions[0].disabled) urgency.value = "";
    if (rule) {
      const name = Array.from(urgency.options).find((o) => o.value === rule.default);
      defaultOption.textContent = genericDefault.replace(/[:：].*$/, "") + "：" + (name ? name.textContent : rule.default);
    } else {
      defaultOption.textContent = genericDefault;
    }
  }

  function markChosenChip() {
    for (const chip of chips.querySelectorAll(".chip")) {
      chip.classList.toggle("chosen", chip.value === field("category").value);
    }
  }

  function categoryChanged() {
    applyUrgency(field("category").value);
    markChosenChip();
    if (!field("category").value) setLead(null);
    refreshHistory();
    suggestSoon();
  }

  const category = window.DeskCombobox(field("category_query"), field("category"), {
    source: (query) => find("category", query),
    initial: () => state.suggested,
    initialHeading: document.querySelector("label[for=id_category_query]").firstChild.textContent.trim(),
    onChoose: categoryChanged,
    onClear: categoryChanged,
  });

  const fromAddress = document.getElementById("place-from-address");
  const addressPlaces = document.getElementById("address-places");

  function placeChanged() {
    if (!field("region").value) setLead(null);
    suggestSoon();
  }

  const place = window.DeskCombobox(field("place_query"), field("region"), {
    source: (query) => find("place", query),
    onChoose: () => {
      state.regionFromAddress = false;
      fromAddress.textContent = "";
      placeChanged();
    },
    onClear: () => {
      state.regionFromAddress = false;
      fromAddress.textContent = "";
      placeChanged();
    },
  });

  // The address fills the place, unless the call-taker chose the place themselves.
  function placeFromAddress() {
    const address = field("address").value.trim();
    refreshHistory();
    const byHand = field("region").value && !state.regionFromAddress;
    if (byHand || !address) {
      suggestSoon();
      busy("address", false);
      return;
    }
    find("address", address).then((found) => {
      if (field("region").value && !state.regionFromAddress) {
        busy("address", false);
        return;
      }
      addressPlaces.replaceChildren();
      if (found.length) {
        place.set(found[0]);
        state.regionFromAddress = true;
        fromAddress.textContent = label("label-from-address");
        // Other places the address names, not those containing the one taken.
        const above = found[0].codes || [];
        for (const other of found.slice(1, 5).filter((r) => !above.includes(r.value))) {
          addressPlaces.append(
            element("button", { type: "submit", name: "take_place", value: other.value, "data-path": other.path, class: "chip" }, other.path),
          );
        }
      } else if (state.regionFromAddress) {
        place.clear();
        field("place_query").value = "";
        state.regionFromAddress = false;
        fromAddress.textContent = "";
      }
      placeChanged();
      busy("address", false);
    });
  }

  // -- the buttons this script takes over -------------------------------------------------------

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    if (button.name === "suggest") {
      event.preventDefault();
      refreshHistory();
      suggest();
    } else if (button.name === "take_category") {
      event.preventDefault();
      category.set({ value: button.value, path: button.dataset.path });
      categoryChanged();
    } else if (button.name === "take_place") {
      event.preventDefault();
      place.set({ value: button.value, path: button.dataset.path });
      state.regionFromAddress = false;
      fromAddress.textContent = "";
      placeChanged();
    }
  });

  form.addEventListener("submit", (event) => {
    if (state.submitting) event.preventDefault();
    state.submitting = true;
  });

  // -- shortcuts -------------------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || !/^Key[A-Z]$/.test(event.code)) return;
    const key = event.code.slice(3).toLowerCase();
    const target = Array.from(form.querySelectorAll(`[accesskey="${key}"]`)).find(
      (node) => !node.disabled && node.getClientRects().length,
    );
    if (!target) return;
    event.preventDefault();
    if (target.matches("button, input[type=radio], input[type=checkbox]")) {
      target.focus();
      target.click();
    } else {
      target.focus();
    }
  });

  // -- wiring ----------------------------------------------------------------------------------

  field("contact_phone").addEventListener("input", later(refreshHistory, 300, "history"));
  field("description").addEventListener("input", suggestSoon);
  field("address").addEventListener("input", later(placeFromAddress, 400, "address"));
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", applyKind);
  state.regionFromAddress = Boolean(field("region").value && fromAddress.textContent.trim());
  if (field("lead").value && leadName) state.lead = { code: field("lead").value, name: leadName.textContent };
  applyUrgency(field("category").value);
  applyKind();
  if (field("contact_phone").value) refreshHistory();
})();
