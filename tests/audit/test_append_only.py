import pytest
from django.db import connection, transaction

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_application_refuses_update_and_delete(users):
    event = audit_record(action="export", actor=users["officer_a"], detail={"what": "venues"})
    event.action = "other"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_database_refuses_raw_update_and_delete(users):
    from django.db import DatabaseError

    event = audit_record(action="export", actor=users["officer_a"])
    for sql in ["UPDATE audit_auditevent SET action='x' WHERE id=%s", "DELETE FROM audit_auditevent WHERE id=%s"]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk])


def test_admin_can_read_but_not_change(client_for, users):
    event = audit_record(action="export", actor=users["officer_a"])
    client = client_for(users["admin"])
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    # Association staff use the admin too, but not the audit log.
    assert client_for(users["assoc_a"]).get("/admin/audit/auditevent/").status_code == 403
