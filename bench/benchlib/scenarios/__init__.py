"""One module per scenario of issue 3; each has run(ctx) that adds its table to ctx.report."""
