"""On PostgreSQL, triggers refuse what the models refuse: an UPDATE or DELETE of an approved
or paid run (other than marking it paid, or its payslips' ZIP), of its payslips, pay lines
and deferred parts, of an adjustment it paid, and of a scheme version it used or that
version's amounts. Raw SQL, a shell or another program hits the same wall as the ORM.
Statement-level triggers: a recalculation deleting 70,000 lines of an open run costs one
check, not one per row. INSERTs stay open (the benchmarks load approved months in bulk).
SQLite has no such triggers here; the model guards hold alone there."""

from django.db import migrations

FINAL = "('approved', 'paid')"

# A final run: only the move approved -> paid (status, paid_by, paid_at) and the ZIP and job
# links may still be written.
RUN = f"""
CREATE OR REPLACE FUNCTION payroll_run_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM old_rows WHERE status IN {FINAL}) THEN
            RAISE EXCEPTION 'An approved payroll run is never deleted.';
        END IF;
        RETURN NULL;
    END IF;
    IF EXISTS (
        SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.status IN {FINAL} AND (
            (to_jsonb(n) - ARRAY['status', 'paid_by_id', 'paid_at', 'payslips_zip',
                                 'payslips_job_id', 'job_id'])
            IS DISTINCT FROM
            (to_jsonb(o) - ARRAY['status', 'paid_by_id', 'paid_at', 'payslips_zip',
                                 'payslips_job_id', 'job_id'])
            OR (n.status IS DISTINCT FROM o.status
                AND NOT (o.status = 'approved' AND n.status = 'paid'))
            OR (o.status = 'paid' AND (n.paid_by_id IS DISTINCT FROM o.paid_by_id
                                       OR n.paid_at IS DISTINCT FROM o.paid_at))
        )
    ) THEN
        RAISE EXCEPTION 'An approved payroll run cannot change.';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

# table: the query naming the final runs the changed rows (old_rows) belong to.
ROWS = {
    "payroll_payslip": "SELECT 1 FROM old_rows o JOIN payroll_payrollrun r ON r.id = o.run_id",
    "payroll_payline": """SELECT 1 FROM old_rows o
        JOIN payroll_payslip s ON s.id = o.payslip_id
        JOIN payroll_payrollrun r ON r.id = s.run_id""",
    "payroll_deferredpart": """SELECT 1 FROM old_rows o
        JOIN payroll_payslip s ON s.id = o.payslip_id
        JOIN payroll_payrollrun r ON r.id = s.run_id""",
    "payroll_adjustment": """SELECT 1 FROM old_rows o
        JOIN payroll_payline l ON l.adjustment_id = o.id
        JOIN payroll_payslip s ON s.id = l.payslip_id
        JOIN payroll_payrollrun r ON r.id = s.run_id""",
    "payroll_schemeversion": """SELECT 1 FROM old_rows o
        JOIN payroll_payline l ON l.scheme_version_id = o.id
        JOIN payroll_payslip s ON s.id = l.payslip_id
        JOIN payroll_payrollrun r ON r.id = s.run_id""",
}
for part in (
    "allowance",
    "performancetier",
    "piecerate",
    "qualityband",
    "hourlyrate",
    "deferral",
):
    ROWS[f"payroll_{part}"] = """SELECT 1 FROM old_rows o
        JOIN payroll_payline l ON l.scheme_version_id = o.version_id
        JOIN payroll_payslip s ON s.id = l.payslip_id
        JOIN payroll_payrollrun r ON r.id = s.run_id"""


def row_function(table: str, query: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {table}_frozen() RETURNS trigger AS $$
BEGIN
    IF EXISTS ({query} WHERE r.status IN {FINAL}) THEN
        RAISE EXCEPTION '% of an approved payroll run cannot change.', TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def triggers(table: str, function: str) -> str:
    # A trigger with transition tables takes one event, hence one for each.
    return f"""
CREATE TRIGGER {table}_frozen_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_frozen_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # Without parameters, so the functions' "%" placeholders reach PostgreSQL as they are.
        cursor.execute(RUN + triggers("payroll_payrollrun", "payroll_run_frozen"))
        for table, query in ROWS.items():
            cursor.execute(row_function(table, query) + triggers(table, f"{table}_frozen"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ["payroll_payrollrun", *ROWS]:
        function = "payroll_run_frozen" if table == "payroll_payrollrun" else f"{table}_frozen"
        for sql in (
            f"DROP TRIGGER IF EXISTS {table}_frozen_update ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_frozen_delete ON {table}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
