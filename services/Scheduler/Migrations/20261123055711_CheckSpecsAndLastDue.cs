using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Scheduler.Migrations
{
    /// <inheritdoc />
    public partial class CheckSpecsAndLastDue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "check",
                schema: "scheduler",
                table: "schedules",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_due_at",
                schema: "scheduler",
                table: "schedules",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "check",
                schema: "scheduler",
                table: "schedules");

            migrationBuilder.DropColumn(
                name: "last_due_at",
                schema: "scheduler",
                table: "schedules");
        }
    }
}
