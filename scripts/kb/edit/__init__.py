"""Tools for editors: `kb new` (scaffold), `kb fmt`, `kb diff` and the fact file reference."""
