"""Figures: the paper's (fig. 3-6) and those of its unnumbered claims, drawn with matplotlib from result objects."""
