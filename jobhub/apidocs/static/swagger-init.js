// Starts Swagger UI on /api/docs from the page's data-* attributes: a served file, not an
// inline script, so the page's CSP needs no 'unsafe-inline'.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var config = {
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    // Swagger UI's default would load a validity badge from validator.swagger.io.
    validatorUrl: null,
  };
  var overrides = JSON.parse(root.dataset.config || "{}");
  Object.keys(overrides).forEach(function (key) {
    config[key] = overrides[key];
  });
  window.ui = SwaggerUIBundle(config);
})();
