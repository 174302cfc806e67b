using System.Net;
using Sentinel.Delivery.Channels;

namespace Sentinel.Delivery.Tests.Channels.Webhook;

public sealed class WebhookChannelTests
{
    [TestCase(200)]
    [TestCase(202)]
    [TestCase(204)]
    public void A_2xx_answer_is_delivered(int status) =>
        Assert.That(ChannelHttp.Classify((HttpStatusCode)status, null).Outcome, Is.EqualTo(SendOutcome.Delivered));

    [TestCase(408)]
    [TestCase(429)]
    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    public void Timeouts_throttling_and_server_errors_are_transient(int status) =>
        Assert.That(ChannelHttp.Classify((HttpStatusCode)status, null).Outcome, Is.EqualTo(SendOutcome.Transient));

    [TestCase(400)]
    [TestCase(401)]
    [TestCase(404)]
    [TestCase(410)]
    public void Other_client_errors_are_permanent(int status) =>
        Assert.That(ChannelHttp.Classify((HttpStatusCode)status, null).Outcome, Is.EqualTo(SendOutcome.Permanent));

    [Test]
    public void The_error_names_the_status_and_its_reason()
    {
        var result = ChannelHttp.Classify(HttpStatusCode.NotFound, "Not Found");

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo("HTTP 404 Not Found"));
            Assert.That(result.StatusCode, Is.EqualTo(404));
        });
    }
}
