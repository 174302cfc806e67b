using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Scheduler.Migrations
{
    /// <inheritdoc />
    public partial class Heartbeats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_schedules_due",
                schema: "scheduler",
                table: "schedules");

            migrationBuilder.CreateTable(
                name: "heartbeats",
                schema: "scheduler",
                columns: table => new
                {
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    period_seconds = table.Column<int>(type: "integer", nullable: true),
                    schedule = table.Column<string>(type: "text", nullable: true),
                    time_zone = table.Column<string>(type: "text", nullable: true),
                    grace_seconds = table.Column<int>(type: "integer", nullable: false),
                    manual_resume = table.Column<bool>(type: "boolean", nullable: false),
                    paused = table.Column<bool>(type: "boolean", nullable: false),
                    state = table.Column<string>(type: "text", nullable: false),
                    last_ping_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_ping_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_ping_kind = table.Column<string>(type: "text", nullable: true),
                    last_success_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    open_runs = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'[]'::jsonb"),
                    resumed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_deadline_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deadline_reason = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_heartbeats", x => x.monitor_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_schedules_due",
                schema: "scheduler",
                table: "schedules",
                column: "next_check_at",
                filter: "not paused and not deleted and type <> 'heartbeat'");

            migrationBuilder.CreateIndex(
                name: "ix_heartbeats_deadline",
                schema: "scheduler",
                table: "heartbeats",
                column: "next_deadline_at",
                filter: "next_deadline_at is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "heartbeats",
                schema: "scheduler");

            migrationBuilder.DropIndex(
                name: "ix_schedules_due",
                schema: "scheduler",
                table: "schedules");

            migrationBuilder.CreateIndex(
                name: "ix_schedules_due",
                schema: "scheduler",
                table: "schedules",
                column: "next_check_at",
                filter: "not paused and not deleted");
        }
    }
}
