// Progressive enhancement for the manager pages: everything works without this file.
document.documentElement.classList.add("js");

// filters apply as soon as one changes (the Apply button is there without JS)
for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  form.addEventListener("change", () => form.requestSubmit());
}

// photos open in a lightbox; without JS (or <dialog>) the link opens the image itself
const box = document.getElementById("lightbox");
if (box && typeof box.showModal === "function") {
  const image = box.querySelector("img");
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-lightbox]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    image.src = link.href;
    image.alt = link.querySelector("img")?.alt || "";
    box.showModal();
  });
  box.addEventListener("click", (event) => { if (event.target === box) box.close(); });
}

// "Print or save as PDF": the print stylesheet does the rest
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
