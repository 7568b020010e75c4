"""Rendering findings and pages: the text report (`text`), the HTML pages from Jinja2 templates
(`html`, `templates/`). The JSON is the model itself (`Findings.model_dump`). Nothing is
imported here."""
