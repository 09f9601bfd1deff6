"""The command line: build, serve, new, reference."""
