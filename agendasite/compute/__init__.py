"""Computing what the site shows and never types: table totals, distributions by a key, funding annexes and
contributions."""
