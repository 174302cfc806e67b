using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.Delivery.Migrations
{
    /// <inheritdoc />
    public partial class DurableRetriesAndSecrets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Plaintext settings go: from now on they are stored only encrypted (settings_cipher). A channel copied
            // before this migration has no settings until the Gateway publishes it again (re-save it with PUT).
            migrationBuilder.DropColumn(
                name: "settings",
                schema: "delivery",
                table: "channels");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                schema: "delivery",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payload",
                schema: "delivery",
                table: "deliveries",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            // Deliveries pending under the old MassTransit-retry scheme have no payload to retry from.
            migrationBuilder.Sql(
                "update delivery.deliveries set status = 'failed', last_error = 'interrupted by an upgrade' where status = 'pending'");

            migrationBuilder.AddColumn<byte[]>(
                name: "settings_cipher",
                schema: "delivery",
                table: "channels",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "settings_key_id",
                schema: "delivery",
                table: "channels",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_due",
                schema: "delivery",
                table: "deliveries",
                column: "next_attempt_at",
                filter: "status = 'pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deliveries_due",
                schema: "delivery",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                schema: "delivery",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "payload",
                schema: "delivery",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "settings_cipher",
                schema: "delivery",
                table: "channels");

            migrationBuilder.DropColumn(
                name: "settings_key_id",
                schema: "delivery",
                table: "channels");

            migrationBuilder.AddColumn<string>(
                name: "settings",
                schema: "delivery",
                table: "channels",
                type: "jsonb",
                nullable: true);
        }
    }
}
