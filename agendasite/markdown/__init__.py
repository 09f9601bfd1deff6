"""The one Markdown parser of a build and its rules: block dispatch, pipe tables, sanitising, links between the
site's pages, outlines."""
