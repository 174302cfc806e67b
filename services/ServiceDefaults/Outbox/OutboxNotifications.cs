using Microsoft.EntityFrameworkCore.Migrations;

namespace Sentinel.ServiceDefaults.Outbox;

/// Every statement that inserts outbox rows notifies `sentinel_outbox_{schema}` (a trigger, so EF inserts and the
/// raw-SQL ones alike). PostgreSQL delivers a notification only when its transaction commits, and once per
/// transaction, so the relay listening on it wakes exactly when there is something to read.
public static class OutboxNotifications
{
    public static string Channel(string schema) => $"sentinel_outbox_{schema}";

    public static void AddOutboxNotifications(this MigrationBuilder migration, string schema) => migration.Sql($"""
        create function {schema}.outbox_notify() returns trigger language plpgsql as $$
        begin
            perform pg_notify('{Channel(schema)}', '');
            return null;
        end $$;
        create trigger outbox_notify after insert on {schema}.outbox
            for each statement execute function {schema}.outbox_notify();
        """);

    public static void DropOutboxNotifications(this MigrationBuilder migration, string schema) => migration.Sql($"""
        drop trigger if exists outbox_notify on {schema}.outbox;
        drop function if exists {schema}.outbox_notify();
        """);
}

/// The migration that installs the trigger in one service's schema; each service derives it once, with its DbContext
/// and migration id (EF finds migrations per context by their attributes).
public abstract class OutboxNotifyMigration(string schema) : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.AddOutboxNotifications(schema);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropOutboxNotifications(schema);
}
