"""The subcommands, one module each; `cli` parses the arguments and calls the handler
its HANDLERS table names.  A handler takes the parsed arguments and returns the exit
status (the values below; `cli`'s docstring says what each means)."""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_POLICY_DENIED = 3
