"""The clerk's browser page: a second thin door onto the same build as the CLI."""
