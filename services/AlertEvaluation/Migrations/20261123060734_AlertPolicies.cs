using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.AlertEvaluation.Migrations
{
    /// <inheritdoc />
    public partial class AlertPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "escalation_policy_id",
                schema: "alerting",
                table: "monitors",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "flap_threshold",
                schema: "alerting",
                table: "monitors",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "flap_window_seconds",
                schema: "alerting",
                table: "monitors",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_monitor_id",
                schema: "alerting",
                table: "monitors",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "resend_every_seconds",
                schema: "alerting",
                table: "monitors",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<List<string>>(
                name: "tags",
                schema: "alerting",
                table: "monitors",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<DateTimeOffset>>(
                name: "change_times",
                schema: "alerting",
                table: "monitor_states",
                type: "timestamp with time zone[]",
                nullable: false,
                defaultValueSql: "'{}'::timestamptz[]");

            migrationBuilder.AddColumn<List<Guid>>(
                name: "fired_rule_ids",
                schema: "alerting",
                table: "monitor_states",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.AddColumn<bool>(
                name: "flapping",
                schema: "alerting",
                table: "monitor_states",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_due_at",
                schema: "alerting",
                table: "monitor_states",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "acknowledged_at",
                schema: "alerting",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "acknowledged_by",
                schema: "alerting",
                table: "incidents",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "acknowledged_by_key_id",
                schema: "alerting",
                table: "incidents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "affected_monitors",
                schema: "alerting",
                table: "incidents",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "alerted_at",
                schema: "alerting",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "held_reason",
                schema: "alerting",
                table: "incidents",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "in_maintenance",
                schema: "alerting",
                table: "incidents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_reminder_at",
                schema: "alerting",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<List<Guid>>(
                name: "notified_channel_ids",
                schema: "alerting",
                table: "incidents",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.AddColumn<List<int>>(
                name: "notified_levels",
                schema: "alerting",
                table: "incidents",
                type: "integer[]",
                nullable: false,
                defaultValueSql: "'{}'::integer[]");

            migrationBuilder.AddColumn<int>(
                name: "reminders_sent",
                schema: "alerting",
                table: "incidents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "suppressed_by_incident_id",
                schema: "alerting",
                table: "incidents",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "alert_history",
                schema: "alerting",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    incident_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "text", nullable: false),
                    @event = table.Column<string>(name: "event", type: "text", nullable: true),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: true),
                    notification_id = table.Column<Guid>(type: "uuid", nullable: true),
                    escalation_level = table.Column<int>(type: "integer", nullable: true),
                    rule_id = table.Column<Guid>(type: "uuid", nullable: true),
                    detail = table.Column<string>(type: "text", nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_history", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_rules",
                schema: "alerting",
                columns: table => new
                {
                    rule_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    monitor_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    consecutive_failures = table.Column<int>(type: "integer", nullable: false),
                    channel_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    max_alerts_per_hour = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_rules", x => x.rule_id);
                });

            migrationBuilder.CreateTable(
                name: "escalation_policies",
                schema: "alerting",
                columns: table => new
                {
                    policy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    levels = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_escalation_policies", x => x.policy_id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_windows",
                schema: "alerting",
                columns: table => new
                {
                    window_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    monitor_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cron = table.Column<string>(type: "text", nullable: true),
                    duration_seconds = table.Column<int>(type: "integer", nullable: true),
                    time_zone = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_windows", x => x.window_id);
                });

            migrationBuilder.CreateTable(
                name: "pending_results",
                schema: "alerting",
                columns: table => new
                {
                    check_id = table.Column<Guid>(type: "uuid", nullable: false),
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    up = table.Column<bool>(type: "boolean", nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    latency_ms = table.Column<double>(type: "double precision", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    parked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pending_results", x => x.check_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_monitors_parent_monitor_id",
                schema: "alerting",
                table: "monitors",
                column: "parent_monitor_id");

            migrationBuilder.CreateIndex(
                name: "ix_monitor_states_next_due_at",
                schema: "alerting",
                table: "monitor_states",
                column: "next_due_at",
                filter: "next_due_at is not null");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_suppressed_by_incident_id",
                schema: "alerting",
                table: "incidents",
                column: "suppressed_by_incident_id",
                filter: "suppressed_by_incident_id is not null");

            migrationBuilder.CreateIndex(
                name: "IX_alert_history_incident_id",
                schema: "alerting",
                table: "alert_history",
                column: "incident_id",
                filter: "incident_id is not null");

            migrationBuilder.CreateIndex(
                name: "IX_alert_history_tenant_id_monitor_id_id",
                schema: "alerting",
                table: "alert_history",
                columns: new[] { "tenant_id", "monitor_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_alert_rules_tenant_id",
                schema: "alerting",
                table: "alert_rules",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_windows_tenant_id",
                schema: "alerting",
                table: "maintenance_windows",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "IX_pending_results_monitor_id",
                schema: "alerting",
                table: "pending_results",
                column: "monitor_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_history",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "alert_rules",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "escalation_policies",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "maintenance_windows",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "pending_results",
                schema: "alerting");

            migrationBuilder.DropIndex(
                name: "ix_monitors_parent_monitor_id",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropIndex(
                name: "ix_monitor_states_next_due_at",
                schema: "alerting",
                table: "monitor_states");

            migrationBuilder.DropIndex(
                name: "IX_incidents_suppressed_by_incident_id",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "escalation_policy_id",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "flap_threshold",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "flap_window_seconds",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "parent_monitor_id",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "resend_every_seconds",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "tags",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "change_times",
                schema: "alerting",
                table: "monitor_states");

            migrationBuilder.DropColumn(
                name: "fired_rule_ids",
                schema: "alerting",
                table: "monitor_states");

            migrationBuilder.DropColumn(
                name: "flapping",
                schema: "alerting",
                table: "monitor_states");

            migrationBuilder.DropColumn(
                name: "next_due_at",
                schema: "alerting",
                table: "monitor_states");

            migrationBuilder.DropColumn(
                name: "acknowledged_at",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "acknowledged_by",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "acknowledged_by_key_id",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "affected_monitors",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "alerted_at",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "held_reason",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "in_maintenance",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "next_reminder_at",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "notified_channel_ids",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "notified_levels",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "reminders_sent",
                schema: "alerting",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "suppressed_by_incident_id",
                schema: "alerting",
                table: "incidents");
        }
    }
}
