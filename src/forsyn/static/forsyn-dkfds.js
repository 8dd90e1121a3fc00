/* Starts the DKFDS components (the header's mobile drawer, dropdowns, responsive tables). Without
   JavaScript the page keeps class "no-js" and forsyn.css shows the menu inline instead. */
"use strict";
document.documentElement.classList.remove("no-js");
document.documentElement.classList.add("js");
if (window.DKFDS) {
  window.DKFDS.init();
}
