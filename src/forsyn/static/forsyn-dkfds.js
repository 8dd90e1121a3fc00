/* Starts the DKFDS components (the header's mobile drawer, dropdowns, responsive tables). Without
   JavaScript the body keeps class "no-js" and forsyn.css shows the menu inline instead. */
"use strict";
document.body.classList.remove("no-js");
document.body.classList.add("js");
if (window.DKFDS) {
  window.DKFDS.init();
}
