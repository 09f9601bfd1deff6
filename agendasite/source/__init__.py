"""Reading editors' files: text, front matter, YAML with positions, the schemas and their checks, numbers and
addresses as editors write them, the site's configuration and data files."""
