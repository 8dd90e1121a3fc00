"""The site shell (issue #9 §6, docs/adr/0021): home, log-in, navigation, the base template and
the shared partials every page uses (`base.html`, `_field.html`, `_form_errors.html`,
`_pager.html`), the error pages, the job-run page and the one form-styling helper
(`{{ field|form_control }}`). The top layer: it may import any app; no app imports it. Citizen,
grant, product and ordering pages live in their own apps.

Always imported as `forsyn.site`; the name shadows the standard library's `site` module only
inside the `forsyn` package, where nothing imports that."""
