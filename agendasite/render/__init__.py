"""Rendering pages: the sandboxed Jinja environment, its template files and their dependencies, translations."""
