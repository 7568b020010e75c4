"""Rendering findings and pages: the text report (`text`), the HTML pages from Jinja2 templates
(`html`, `templates/`), the fact-pattern format reference (`reference`: docs/facts.md, `thb
schema --explain`). The JSON is the model itself (`Findings.model_dump`). Nothing is imported
here."""
