// Picking people from the registry: adds a chip with a hidden input; works with htmx results.
document.addEventListener("click", function (ev) {
  var pick = ev.target.closest("button.rp-pick");
  if (pick) {
    ev.preventDefault();
    var list = document.getElementById("chips-" + pick.dataset.field);
    if (!list || list.querySelector('input[value="' + pick.dataset.id + '"]')) return;
    var li = document.createElement("li");
    var input = document.createElement("input");
    input.type = "hidden"; input.name = pick.dataset.field; input.value = pick.dataset.id;
    var text = document.createElement("span"); text.textContent = pick.dataset.label;
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "rp-unpick"; remove.textContent = "×";
    remove.setAttribute("aria-label", list.dataset.removeLabel || "Remove");
    li.append(input, text, remove); list.append(li);
    var results = pick.closest(".rp-results"); if (results) results.innerHTML = "";
    return;
  }
  var unpick = ev.target.closest("button.rp-unpick");
  if (unpick) { ev.preventDefault(); unpick.closest("li").remove(); }
});

// The office list is replaced by each search: keep the office already chosen (even if it was chosen
// while a search was still loading), and take its institution when it was found across all of them.
(function () {
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var target = ev.detail.target;
    if (!target || target.id !== "unit-results") return;
    var checked = target.querySelector("input[name=unit]:checked");
    kept = checked ? checked.closest("li") : null;
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var target = ev.detail.target;
    if (!target || target.id !== "unit-results" || !kept) return;
    var value = kept.querySelector("input").value;
    var same = target.querySelector('input[name=unit][value="' + value + '"]');
    if (same) {
      same.checked = true;
    } else {
      var list = target.querySelector("ul.rp-radio");
      if (!list) { list = document.createElement("ul"); list.className = "rp-radio"; target.prepend(list); }
      list.prepend(kept);
      kept.querySelector("input").checked = true;
    }
    kept = null;
  });
  document.addEventListener("change", function (ev) {
    var radio = ev.target;
    if (radio.name !== "unit" || !radio.dataset.institution) return;
    var select = document.getElementById("id_institution");
    if (select && select.value !== radio.dataset.institution) select.value = radio.dataset.institution;
  });
})();
