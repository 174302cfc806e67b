using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sentinel.AlertEvaluation.Migrations
{
    /// <inheritdoc />
    public partial class Heartbeats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "conditions",
                schema: "alerting",
                table: "monitors",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<int>(
                name: "grace_seconds",
                schema: "alerting",
                table: "monitors",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "manual_resume",
                schema: "alerting",
                table: "monitors",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "resumed_at",
                schema: "alerting",
                table: "monitors",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "type",
                schema: "alerting",
                table: "monitors",
                type: "text",
                nullable: false,
                defaultValue: "http"); // copies made before heartbeats existed are all of checked (non-heartbeat) monitors

            migrationBuilder.CreateTable(
                name: "heartbeat_runs",
                schema: "alerting",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    anonymous = table.Column<bool>(type: "boolean", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    duration_ms = table.Column<double>(type: "double precision", nullable: true),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    finish_ping_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_heartbeat_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "monitor_flips",
                schema: "alerting",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    from_status = table.Column<string>(type: "text", nullable: false),
                    to_status = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    incident_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_monitor_flips", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_heartbeat_runs_finish_ping_id",
                schema: "alerting",
                table: "heartbeat_runs",
                column: "finish_ping_id",
                unique: true,
                filter: "finish_ping_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_heartbeat_runs_monitor_started_at",
                schema: "alerting",
                table: "heartbeat_runs",
                columns: new[] { "tenant_id", "monitor_id", "started_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_heartbeat_runs_open",
                schema: "alerting",
                table: "heartbeat_runs",
                column: "monitor_id",
                filter: "outcome = 'running'");

            migrationBuilder.CreateIndex(
                name: "ix_monitor_flips_monitor_at",
                schema: "alerting",
                table: "monitor_flips",
                columns: new[] { "tenant_id", "monitor_id", "at", "seq" },
                descending: new[] { false, false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "heartbeat_runs",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "monitor_flips",
                schema: "alerting");

            migrationBuilder.DropColumn(
                name: "conditions",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "grace_seconds",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "manual_resume",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "resumed_at",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "type",
                schema: "alerting",
                table: "monitors");
        }
    }
}
