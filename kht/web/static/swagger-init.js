/* Starts Swagger UI on /api/schema/swagger from a file (the Content-Security-Policy runs no
   inline script): the document is fetched from /api/schema/openapi.json. */
"use strict";
window.SwaggerUIBundle({
  url: "/api/schema/openapi.json",
  dom_id: "#swagger-container",
  validatorUrl: null,
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
});
