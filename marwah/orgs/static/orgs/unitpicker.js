// Unit picker: a click on a result puts its id into the hidden field and its name on screen.
(function () {
  if (window.marwahUnitPicker) { return; }
  window.marwahUnitPicker = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-unit]");
    if (!button) { return; }
    var picker = button.closest("[data-unit-picker]");
    if (!picker) { return; }
    event.preventDefault();
    picker.querySelector("[data-unit-value]").value = button.getAttribute("data-pick-unit");
    var label = picker.querySelector("[data-unit-label]");
    label.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = button.getAttribute("data-unit-name");
    label.appendChild(strong);
    label.appendChild(document.createTextNode(" " + (button.getAttribute("data-unit-code") || "")));
    picker.querySelector(".unit-results").textContent = "";
    var search = picker.querySelector("input[type=search]");
    search.value = "";
    search.focus();
  });
})();
