"""The command line: thin Typer wrappers over library functions, one module per group."""
