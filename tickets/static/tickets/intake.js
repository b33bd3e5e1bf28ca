// Phone intake: as the operator types the caller's number (or changes the category or
// address), show the caller's earlier tickets and flag likely repeats. Without JavaScript the
// "Show this caller's earlier tickets" button does the same with a page reload.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const rows = document.getElementById("caller-history-rows");
  const template = document.getElementById("history-row");
  const repeatLabel = document.getElementById("repeat-label").textContent;
  const noneLabel = document.getElementById("none-label").textContent;
  let timer = null;

  function refresh() {
    const phone = form.elements.contact_phone.value.replace(/[\s-]/g, "");
    // 7 or 8 digits may already be a local landline; the server says whether it is a number.
    if (phone.length < 7) return;
    const params = new URLSearchParams({
      phone: phone,
      category: form.elements.category.value,
      address: form.elements.address.value,
    });
    fetch(form.dataset.historyUrl + "?" + params, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        rows.replaceChildren();
        if (!data.tickets.length) {
          const row = document.createElement("tr");
          const cell = document.createElement("td");
          cell.textContent = noneLabel;
          row.append(cell);
          rows.append(row);
          return;
        }
        for (const ticket of data.tickets) {
          const row = template.content.firstElementChild.cloneNode(true);
          const cells = row.querySelectorAll("td");
          const link = cells[0].querySelector("a");
          link.href = ticket.url;
          link.textContent = ticket.number;
          cells[1].textContent = ticket.submitted_at;
          cells[2].textContent = ticket.category;
          cells[3].textContent = ticket.status;
          cells[4].textContent = ticket.address;
          if (ticket.repeat) {
            const flag = document.createElement("span");
            flag.className = "repeat";
            flag.textContent = repeatLabel;
            cells[5].append(flag);
          }
          rows.append(row);
        }
      })
      .catch(() => {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  for (const name of ["contact_phone", "category", "address"]) {
    form.elements[name].addEventListener("input", later);
    form.elements[name].addEventListener("change", later);
  }
})();
