using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sentinel.ServiceDefaults.Data;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Data;

/// The shared database setup (ServiceDefaults) turns on Npgsql's automatic preparation and names the service unless the connection string
/// says otherwise, so a statement a service repeats is planned once per connection.
public sealed class ConnectionDefaultsTests
{
    [Test]
    public void Auto_prepare_is_on_unless_the_connection_string_sets_it()
    {
        static int MaxAutoPrepare(string connectionString) =>
            new NpgsqlConnectionStringBuilder(DatabaseExtensions.WithDefaults(connectionString)).MaxAutoPrepare;

        Assert.Multiple(() =>
        {
            Assert.That(MaxAutoPrepare("Host=db;Database=sentinel"), Is.EqualTo(128));
            Assert.That(MaxAutoPrepare("Host=db;Database=sentinel;Max Auto Prepare=0"), Is.Zero, "explicitly off stays off");
            Assert.That(MaxAutoPrepare("Host=db;Database=sentinel;maxautoprepare=7"), Is.EqualTo(7));
        });
    }

    [Test]
    public void Connections_name_their_service_unless_the_connection_string_names_one()
    {
        static string? ApplicationName(string connectionString) =>
            new NpgsqlConnectionStringBuilder(DatabaseExtensions.WithDefaults(connectionString)).ApplicationName;

        Assert.Multiple(() =>
        {
            Assert.That(ApplicationName("Host=db;Database=sentinel"), Is.EqualTo(Assembly.GetEntryAssembly()!.GetName().Name).And.Not.Empty);
            Assert.That(ApplicationName("Host=db;Database=sentinel;Application Name=backup"), Is.EqualTo("backup"));
        });
    }

    [Test]
    public async Task A_repeated_statement_of_the_service_is_prepared_on_the_server()
    {
        var prepared = await QueryAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                for (var i = 0; i < 6; i++)
                    await db.Deliveries.Where(d => d.NotificationId == Guid.NewGuid()).CountAsync();
                return await db.Database.SqlQueryRaw<long>(
                    "select count(*) as \"Value\" from pg_prepared_statements where statement like '%delivery.deliveries%'").SingleAsync();
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
        Assert.That(prepared, Is.GreaterThan(0), "the sixth run of the same query used a server-side prepared statement");
    }
}
