using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.AlertEvaluation.Migrations
{
    /// <inheritdoc />
    public partial class LocationsAndRounds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "locations",
                schema: "alerting",
                table: "monitors",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<int>(
                name: "quorum",
                schema: "alerting",
                table: "monitors",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "timeout_seconds",
                schema: "alerting",
                table: "monitors",
                type: "integer",
                nullable: false,
                defaultValue: 10); // monitors copied before this column: the Gateway's default timeout

            migrationBuilder.CreateTable(
                name: "check_rounds",
                schema: "alerting",
                columns: table => new
                {
                    round_id = table.Column<Guid>(type: "uuid", nullable: false),
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    locations = table.Column<List<string>>(type: "text[]", nullable: false),
                    quorum = table.Column<int>(type: "integer", nullable: false),
                    opened_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closes_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_check_rounds", x => x.round_id);
                });

            migrationBuilder.CreateTable(
                name: "checker_reports",
                schema: "alerting",
                columns: table => new
                {
                    checker_id = table.Column<Guid>(type: "uuid", nullable: false),
                    location = table.Column<string>(type: "text", nullable: true),
                    healthy = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    canaries = table.Column<int>(type: "integer", nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checker_reports", x => x.checker_id);
                });

            migrationBuilder.CreateTable(
                name: "location_states",
                schema: "alerting",
                columns: table => new
                {
                    location = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outage_id = table.Column<Guid>(type: "uuid", nullable: true),
                    outage_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    notified_tenant_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    notified_channel_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_location_states", x => x.location);
                });

            migrationBuilder.CreateTable(
                name: "round_results",
                schema: "alerting",
                columns: table => new
                {
                    round_id = table.Column<Guid>(type: "uuid", nullable: false),
                    location = table.Column<string>(type: "text", nullable: false),
                    check_id = table.Column<Guid>(type: "uuid", nullable: false),
                    up = table.Column<bool>(type: "boolean", nullable: false),
                    unknown = table.Column<bool>(type: "boolean", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    latency_ms = table.Column<double>(type: "double precision", nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    late = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_round_results", x => new { x.round_id, x.location });
                    table.ForeignKey(
                        name: "FK_round_results_check_rounds_round_id",
                        column: x => x.round_id,
                        principalSchema: "alerting",
                        principalTable: "check_rounds",
                        principalColumn: "round_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_check_rounds_closed_at",
                schema: "alerting",
                table: "check_rounds",
                column: "closed_at",
                filter: "closed_at is not null");

            migrationBuilder.CreateIndex(
                name: "ix_check_rounds_monitor_due",
                schema: "alerting",
                table: "check_rounds",
                columns: new[] { "monitor_id", "due_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_check_rounds_open_closes_at",
                schema: "alerting",
                table: "check_rounds",
                column: "closes_at",
                filter: "outcome is null");

            migrationBuilder.CreateIndex(
                name: "ix_checker_reports_location",
                schema: "alerting",
                table: "checker_reports",
                column: "location");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "checker_reports",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "location_states",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "round_results",
                schema: "alerting");

            migrationBuilder.DropTable(
                name: "check_rounds",
                schema: "alerting");

            migrationBuilder.DropColumn(
                name: "locations",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "quorum",
                schema: "alerting",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "timeout_seconds",
                schema: "alerting",
                table: "monitors");
        }
    }
}
