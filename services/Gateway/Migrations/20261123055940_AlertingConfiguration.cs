using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Gateway.Migrations
{
    /// <inheritdoc />
    public partial class AlertingConfiguration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "escalation_policy_id",
                schema: "gateway",
                table: "monitors",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "flap_threshold",
                schema: "gateway",
                table: "monitors",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "flap_window_seconds",
                schema: "gateway",
                table: "monitors",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_monitor_id",
                schema: "gateway",
                table: "monitors",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "alert_rules",
                schema: "gateway",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    monitor_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    consecutive_failures = table.Column<int>(type: "integer", nullable: false),
                    channel_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    max_alerts_per_hour = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_rules", x => x.id);
                    table.ForeignKey(
                        name: "FK_alert_rules_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalSchema: "gateway",
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "escalation_policies",
                schema: "gateway",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    levels = table.Column<string>(type: "jsonb", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_escalation_policies", x => x.id);
                    table.ForeignKey(
                        name: "FK_escalation_policies_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalSchema: "gateway",
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_windows",
                schema: "gateway",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    monitor_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cron = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    duration_seconds = table.Column<int>(type: "integer", nullable: true),
                    time_zone = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_windows", x => x.id);
                    table.ForeignKey(
                        name: "FK_maintenance_windows_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalSchema: "gateway",
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_monitors_escalation_policy_id",
                schema: "gateway",
                table: "monitors",
                column: "escalation_policy_id",
                filter: "escalation_policy_id is not null");

            migrationBuilder.CreateIndex(
                name: "IX_monitors_parent_monitor_id",
                schema: "gateway",
                table: "monitors",
                column: "parent_monitor_id",
                filter: "parent_monitor_id is not null");

            migrationBuilder.CreateIndex(
                name: "IX_alert_rules_tenant_id_id",
                schema: "gateway",
                table: "alert_rules",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_escalation_policies_tenant_id_id",
                schema: "gateway",
                table: "escalation_policies",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_windows_tenant_id_id",
                schema: "gateway",
                table: "maintenance_windows",
                columns: new[] { "tenant_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_rules",
                schema: "gateway");

            migrationBuilder.DropTable(
                name: "escalation_policies",
                schema: "gateway");

            migrationBuilder.DropTable(
                name: "maintenance_windows",
                schema: "gateway");

            migrationBuilder.DropIndex(
                name: "IX_monitors_escalation_policy_id",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropIndex(
                name: "IX_monitors_parent_monitor_id",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "escalation_policy_id",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "flap_threshold",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "flap_window_seconds",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "parent_monitor_id",
                schema: "gateway",
                table: "monitors");
        }
    }
}
