"""Sales pages; one module each for opportunities, activities and the set-up."""
