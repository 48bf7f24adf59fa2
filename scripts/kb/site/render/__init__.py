"""Render the knowledge base into Markdown pages under docs/: one module per page type.

`site.write_site(kb, docs_dir)` writes everything; `site.pages(kb)` returns it without writing.
Escaping lives in `escape`, links in `links`, words for readers in `text`, charts in `charts`.
"""
