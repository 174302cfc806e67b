using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Scheduler.Migrations
{
    /// <summary>
    /// Splits a heartbeat's deadline in two so that pings can be HOT updates: the true deadline moves to the new,
    /// unindexed deadline_at; the indexed next_deadline_at becomes wake_at, the deadline loop's lazy wake-up time
    /// (never later than the deadline). Existing rows start with both equal. Written by hand.
    /// </summary>
    public partial class HeartbeatWakeUp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Room on each page for the new version of a pinged row (a HOT update must stay on its page).
            migrationBuilder.AlterTable(
                name: "heartbeats",
                schema: "scheduler")
                .Annotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.RenameIndex(
                name: "ix_heartbeats_deadline",
                schema: "scheduler",
                table: "heartbeats",
                newName: "ix_heartbeats_wake");

            // PostgreSQL rewrites the partial index's predicate (next_deadline_at is not null) with the column.
            migrationBuilder.RenameColumn(
                name: "next_deadline_at",
                schema: "scheduler",
                table: "heartbeats",
                newName: "wake_at");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "deadline_at",
                schema: "scheduler",
                table: "heartbeats",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.Sql("update scheduler.heartbeats set deadline_at = wake_at where wake_at is not null;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The old code keeps the exact deadline in the indexed column: the true one, not the wake-up time.
            migrationBuilder.Sql("update scheduler.heartbeats set wake_at = deadline_at where wake_at is distinct from deadline_at;");

            migrationBuilder.DropColumn(
                name: "deadline_at",
                schema: "scheduler",
                table: "heartbeats");

            migrationBuilder.RenameColumn(
                name: "wake_at",
                schema: "scheduler",
                table: "heartbeats",
                newName: "next_deadline_at");

            migrationBuilder.RenameIndex(
                name: "ix_heartbeats_wake",
                schema: "scheduler",
                table: "heartbeats",
                newName: "ix_heartbeats_deadline");

            migrationBuilder.AlterTable(
                name: "heartbeats",
                schema: "scheduler")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 85);
        }
    }
}
