"""Work on the built site: the search index and the handbook."""
