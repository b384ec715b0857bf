"""PostgreSQL refuses any UPDATE or DELETE of a consent record, except by cascade.

The only deletions allowed are an erasure's (the erasure transaction sets
``customers.erasure``), and the only update is the foreign-key cascade that
empties ``actor`` when the account that made a change is deleted. Other
databases rely on the model's own guard (``ConsentRecord.save``/``delete``).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CREATE = """
CREATE OR REPLACE FUNCTION customers_consentrecord_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('customers.erasure', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'consent records are append-only: only an erasure deletes them'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
       AND (NEW.id, NEW.customer_id, NEW.purpose_id, NEW.channel_id, NEW.purpose_version_id,
            NEW.state, NEW.source, NEW.reason, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.customer_id, OLD.purpose_id, OLD.channel_id, OLD.purpose_version_id,
            OLD.state, OLD.source, OLD.reason, OLD.created_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent records are append-only: record a new change instead'
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS customers_consentrecord_guard ON customers_consentrecord;
CREATE TRIGGER customers_consentrecord_guard
    BEFORE UPDATE OR DELETE ON customers_consentrecord
    FOR EACH ROW EXECUTE FUNCTION customers_consentrecord_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS customers_consentrecord_guard ON customers_consentrecord;
DROP FUNCTION IF EXISTS customers_consentrecord_guard();
"""


def create_guard(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_guard(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_privacy_center")]

    operations = [migrations.RunPython(create_guard, drop_guard)]
