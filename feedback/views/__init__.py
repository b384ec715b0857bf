"""Pages of the feedback channel. Thin: they read the input and call the services."""
