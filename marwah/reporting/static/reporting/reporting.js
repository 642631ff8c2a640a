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
