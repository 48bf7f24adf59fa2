"""Findings about the data: schema validation, the rules over the whole knowledge base, links and URLs,
and the reports (text, JSON, GitHub). `kb check` is `kb.check.run.check`."""
