"""Real published articles with annotated trade claims (see ANNOTATION.md)."""
