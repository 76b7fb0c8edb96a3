"""Built-in operations by family; each op is an `Op` with forward and derivative side by side."""
