using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sentinel.TelemetryIngest.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "telemetry");

            migrationBuilder.CreateTable(
                name: "outbox",
                schema: "telemetry",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false),
                    destination = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.id);
                });

            // Raw results, written only by binary COPY. Partitioned by due_at from the start because a plain table
            // cannot be turned into a partitioned one later without a rewrite; for now everything lands in the
            // DEFAULT partition. Daily partitions (attached ahead of time, old ones detached/dropped for retention)
            // and the hourly/daily rollups come later and need no change to this table: rows already in the default
            // partition for a new day's range must be moved out before that day's partition is attached.
            // The primary key must include the partition key; check ids derive from (monitor, due time), so a
            // redelivered result carries the same due_at and collides with its first copy.
            migrationBuilder.Sql("""
                create table telemetry.ping_results (
                    check_id    uuid             not null,
                    monitor_id  uuid             not null,
                    tenant_id   uuid             not null,
                    up          boolean          not null,
                    status_code integer,
                    latency_ms  double precision not null,
                    error       text,
                    due_at      timestamptz      not null,
                    checked_at  timestamptz      not null,
                    ingested_at timestamptz      not null default now(),
                    constraint pk_ping_results primary key (check_id, due_at)
                ) partition by range (due_at);

                create table telemetry.ping_results_default partition of telemetry.ping_results default;

                create index ix_ping_results_monitor_checked_at on telemetry.ping_results (monitor_id, checked_at desc);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Dropping the parent drops every partition with it.
            migrationBuilder.Sql("drop table telemetry.ping_results;");

            migrationBuilder.DropTable(
                name: "outbox",
                schema: "telemetry");
        }
    }
}
