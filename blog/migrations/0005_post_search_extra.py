from django.db import migrations, models

# On PostgreSQL each post keeps its weighted search vector in a column of its own, filled by
# a trigger on every insert and on any change of title, search_extra or body (whatever makes
# the change: save(), update(), raw SQL), and indexed with GIN. Matching and ranking then
# read the stored vector instead of building one per post per search. The column is not a
# model field (SQLite has no tsvector); blog.search reads it only on PostgreSQL.
CREATE = [
    "ALTER TABLE blog_post ADD COLUMN search_vector tsvector",
    """
CREATE FUNCTION blog_post_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.search_extra, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER blog_post_search_vector"
    " BEFORE INSERT OR UPDATE OF title, search_extra, body ON blog_post"
    " FOR EACH ROW EXECUTE FUNCTION blog_post_search_vector()",
    "UPDATE blog_post SET title = title",
    "CREATE INDEX post_search_gin ON blog_post USING gin (search_vector)",
]

DROP = [
    "DROP INDEX IF EXISTS post_search_gin",
    "DROP TRIGGER IF EXISTS blog_post_search_vector ON blog_post",
    "DROP FUNCTION IF EXISTS blog_post_search_vector()",
    "ALTER TABLE blog_post DROP COLUMN IF EXISTS search_vector",
]


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def remove_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_author_editor_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_extra",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(add_search_vector, remove_search_vector, elidable=False),
    ]
