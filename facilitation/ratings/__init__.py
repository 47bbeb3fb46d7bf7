"""Ratings: items (notes, groups or proposals) rated on the criteria a format declares,
each on its scale; results per criterion (distribution, median, spread) on reveal."""
