// Loaded in <head>, before the page is drawn: the menu's sections are laid out
// open for browsers without JavaScript (.no-js) and as Bootstrap dropdowns here.
document.documentElement.className = document.documentElement.className.replace(/\bno-js\b/, "js");
