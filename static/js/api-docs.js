// Starts Swagger UI (served from static/vendor) on the app's own OpenAPI document.
const container = document.getElementById("swagger-ui-container");
window.SwaggerUIBundle({
  url: container.dataset.specUrl,
  dom_id: "#swagger-ui-container",
  presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
  deepLinking: true,
});
