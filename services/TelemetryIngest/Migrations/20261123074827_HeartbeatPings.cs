using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.TelemetryIngest.Migrations
{
    /// <inheritdoc />
    public partial class HeartbeatPings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "heartbeat_pings",
                schema: "telemetry",
                columns: table => new
                {
                    ping_id = table.Column<Guid>(type: "uuid", nullable: false),
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    method = table.Column<string>(type: "text", nullable: false),
                    source_ip = table.Column<string>(type: "text", nullable: true),
                    user_agent = table.Column<string>(type: "text", nullable: true),
                    body = table.Column<string>(type: "text", nullable: true),
                    body_truncated = table.Column<bool>(type: "boolean", nullable: false),
                    exit_status = table.Column<int>(type: "integer", nullable: true),
                    run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    message = table.Column<string>(type: "text", nullable: true),
                    reported_latency_ms = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_heartbeat_pings", x => x.ping_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_heartbeat_pings_monitor_received_at",
                schema: "telemetry",
                table: "heartbeat_pings",
                columns: new[] { "tenant_id", "monitor_id", "received_at", "ping_id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_heartbeat_pings_received_at_brin",
                schema: "telemetry",
                table: "heartbeat_pings",
                column: "received_at")
                .Annotation("Npgsql:IndexMethod", "brin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "heartbeat_pings",
                schema: "telemetry");
        }
    }
}
