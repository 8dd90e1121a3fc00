// SAML HTTP-POST binding (the demo's test IdP): post the response form on load. A file, not
// an inline onload handler, so the page satisfies the CSP without 'unsafe-inline'.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});
