using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.AlertEvaluation.Migrations
{
    /// <inheritdoc />
    public partial class Slos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "slos",
                schema: "alerting",
                columns: table => new
                {
                    slo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    monitor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    tag = table.Column<string>(type: "text", nullable: true),
                    objective_percent = table.Column<double>(type: "double precision", nullable: false),
                    window_days = table.Column<int>(type: "integer", nullable: false),
                    burn_rules = table.Column<string>(type: "jsonb", nullable: false),
                    channel_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    alert_id = table.Column<Guid>(type: "uuid", nullable: true),
                    alert_opened_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    alert_detail = table.Column<string>(type: "text", nullable: true),
                    last_evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_slos", x => x.slo_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_slos_tenant_id",
                schema: "alerting",
                table: "slos",
                column: "tenant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "slos",
                schema: "alerting");
        }
    }
}
