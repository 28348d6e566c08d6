"""On PostgreSQL, refuse UPDATE and DELETE of sign-ins in the database itself.

Sign-ins are evidence (the detector and the police read them); a correction is a separate
SignInCorrection. The application refuses edits already; the trigger also stops a stray
SQL session. TRUNCATE stays possible (table owner only; the test runner's flush uses it).
SQLite (the demo) relies on the application checks alone.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION staff_signin_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'staff_signin is append-only; record a correction instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER staff_signin_no_update_delete
    BEFORE UPDATE OR DELETE ON staff_signin
    FOR EACH ROW EXECUTE FUNCTION staff_signin_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS staff_signin_no_update_delete ON staff_signin;
DROP FUNCTION IF EXISTS staff_signin_append_only();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
