"""PostgreSQL indexes for customer search: trigrams for 3+ characters, bigrams for 2.

SQLite answers the same queries with LIKE; see docs/decisions/0002-customer-search.md.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_search_trgm "
    "ON customers_customer USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_search_bigrams "
    "ON customers_customer USING gin (string_to_array(search_bigrams, ' '))",
]
DROP = [
    "DROP INDEX IF EXISTS customer_search_bigrams",
    "DROP INDEX IF EXISTS customer_search_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
