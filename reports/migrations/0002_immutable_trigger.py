"""On PostgreSQL, refuse UPDATE and DELETE of monthly reports in the database itself.

The application refuses them already (model and queryset); the trigger also stops a stray
SQL session. A rebuilt report is a new row with the next version. SQLite (the demo)
relies on the application checks alone."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reports_monthlyreport_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reports_monthlyreport is immutable: build a new version';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER monthlyreport_no_update_delete
    BEFORE UPDATE OR DELETE ON reports_monthlyreport
    FOR EACH ROW EXECUTE FUNCTION reports_monthlyreport_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS monthlyreport_no_update_delete ON reports_monthlyreport;
DROP FUNCTION IF EXISTS reports_monthlyreport_immutable();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
