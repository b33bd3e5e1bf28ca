"""The create-path benchmark's comparison views. Only `bench.api.settings` mounts them; the
portal's own settings and URLs never do."""
