// Starts Swagger UI on /api/v1/docs from a file, not an inline script (CSP without
// 'unsafe-inline'). The settings come from a JSON data block rendered by the server.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  window.SwaggerUIBundle(config);
})();
