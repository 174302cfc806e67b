using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Gateway.Migrations
{
    /// <inheritdoc />
    public partial class Heartbeats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ping_key",
                schema: "gateway",
                table: "tenants",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ping_token",
                schema: "gateway",
                table: "monitors",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "resumed_at",
                schema: "gateway",
                table: "monitors",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "slug",
                schema: "gateway",
                table: "monitors",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_tenants_ping_key",
                schema: "gateway",
                table: "tenants",
                column: "ping_key",
                unique: true,
                filter: "ping_key is not null");

            migrationBuilder.CreateIndex(
                name: "IX_monitors_ping_token",
                schema: "gateway",
                table: "monitors",
                column: "ping_token",
                unique: true,
                filter: "ping_token is not null");

            migrationBuilder.CreateIndex(
                name: "IX_monitors_tenant_id_slug",
                schema: "gateway",
                table: "monitors",
                columns: new[] { "tenant_id", "slug" },
                unique: true,
                filter: "slug is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tenants_ping_key",
                schema: "gateway",
                table: "tenants");

            migrationBuilder.DropIndex(
                name: "IX_monitors_ping_token",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropIndex(
                name: "IX_monitors_tenant_id_slug",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "ping_key",
                schema: "gateway",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "ping_token",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "resumed_at",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "slug",
                schema: "gateway",
                table: "monitors");
        }
    }
}
