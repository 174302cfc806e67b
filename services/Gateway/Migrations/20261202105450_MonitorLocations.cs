using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Gateway.Migrations
{
    /// <inheritdoc />
    public partial class MonitorLocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "locations",
                schema: "gateway",
                table: "monitors",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<int>(
                name: "quorum",
                schema: "gateway",
                table: "monitors",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "locations",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "quorum",
                schema: "gateway",
                table: "monitors");
        }
    }
}
