using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Gateway.Migrations
{
    /// <inheritdoc />
    public partial class TypeSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "settings",
                schema: "gateway",
                table: "monitors",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "settings",
                schema: "gateway",
                table: "channels",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "settings",
                schema: "gateway",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "settings",
                schema: "gateway",
                table: "channels");
        }
    }
}
