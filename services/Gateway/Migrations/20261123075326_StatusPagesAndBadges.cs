using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Gateway.Migrations
{
    /// <inheritdoc />
    public partial class StatusPagesAndBadges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A volatile default is evaluated once per existing row, so this also backfills every monitor with its
            // own random public id (gen_random_uuid is built into PostgreSQL 13+).
            migrationBuilder.AddColumn<string>(
                name: "public_id",
                schema: "gateway",
                table: "monitors",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValueSql: "replace(gen_random_uuid()::text, '-', '')");

            migrationBuilder.CreateTable(
                name: "status_pages",
                schema: "gateway",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    groups = table.Column<string>(type: "jsonb", nullable: false),
                    custom_domain = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: true),
                    history_days = table.Column<int>(type: "integer", nullable: false),
                    @public = table.Column<bool>(name: "public", type: "boolean", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_status_pages", x => x.id);
                    table.ForeignKey(
                        name: "FK_status_pages_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalSchema: "gateway",
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_monitors_public_id",
                schema: "gateway",
                table: "monitors",
                column: "public_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_status_pages_custom_domain",
                schema: "gateway",
                table: "status_pages",
                column: "custom_domain",
                unique: true,
                filter: "custom_domain is not null");

            migrationBuilder.CreateIndex(
                name: "IX_status_pages_slug",
                schema: "gateway",
                table: "status_pages",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_status_pages_tenant_id_id",
                schema: "gateway",
                table: "status_pages",
                columns: new[] { "tenant_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "status_pages",
                schema: "gateway");

            migrationBuilder.DropIndex(
                name: "IX_monitors_public_id",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "public_id",
                schema: "gateway",
                table: "monitors");
        }
    }
}
