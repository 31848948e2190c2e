"""Reference tables: country codes, country groups, HS nomenclature and sector baskets."""
