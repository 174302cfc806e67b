using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ApiException = Refit.ApiException;
using ApiRequestException = Refit.ApiRequestException;

namespace Sentinel.Gateway.Api;

/// Turns the failures a client or a dependency causes into problem+json with a stable type and a detail that says
/// what and where. Anything else falls through to the default 500 handler.
public sealed partial class RequestExceptionHandler(IProblemDetailsService problems, ILogger<RequestExceptionHandler> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => Malformed(json),
            JsonException json => Malformed(json),
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Type = bad.StatusCode == StatusCodes.Status400BadRequest ? Problems.MalformedRequestType : null,
                Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "The request is malformed." : null,
                Detail = Describe(bad),
            },
            DbUpdateConcurrencyException => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Type = Problems.ConflictType,
                Title = "Conflict.",
                Detail = "The object was changed by another request at the same time; read it again and retry.",
            },
            // Refit wraps a refused connection or a timeout in ApiRequestException; a 5xx answer is an ApiException.
            _ when !http.RequestAborted.IsCancellationRequested && Find<OwnerUnavailableException>(exception) is { } owner
                => Unavailable(http, exception, owner),
            ApiRequestException or HttpRequestException or ApiException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError }
                when !http.RequestAborted.IsCancellationRequested => Unavailable(http, exception, null),
            // HttpClient.Timeout of a client to an address not listed under Services:*.
            OperationCanceledException { InnerException: TimeoutException } when !http.RequestAborted.IsCancellationRequested
                => Unavailable(http, exception, null),
            _ => null,
        };
        if (problem is null)
            return false;

        http.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    ProblemDetails Unavailable(HttpContext http, Exception exception, OwnerUnavailableException? owner)
    {
        log.LogWarning(exception, "A dependency of {Path} is unavailable: {Service}", http.Request.Path, owner?.Service ?? "unknown");
        // Retry-After: the owner is usually back within seconds (a restart), so clients should not hammer it.
        http.Response.Headers.RetryAfter = "5";
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = Problems.DependencyUnavailableType,
            Title = owner is null ? "A service this request depends on is unavailable." : $"{owner.Service} unavailable",
            Detail = owner is null
                ? "The service that owns this data did not answer; try again shortly."
                : $"The {owner.Service} service, which owns this data, {owner.Reason}; try again shortly.",
        };
        if (owner is not null)
            problem.Extensions["service"] = owner.Service;
        return problem;
    }

    static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is T found)
                return found;
        return null;
    }

    static ProblemDetails Malformed(JsonException json)
    {
        var where = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
        var message = json.Message;
        string detail;
        if (UnmappedPattern().Match(message) is { Success: true } unmapped)
        {
            var property = unmapped.Groups["name"].Value;
            where = where == "$" ? $"$.{property}" : where.EndsWith(property, StringComparison.Ordinal) ? where : $"{where}.{property}";
            detail = $"Unknown property '{property}' at {where}.";
        }
        else if (ConvertPattern().Match(message) is { Success: true } convert)
        {
            detail = Expected(convert.Groups["type"].Value) is { } expected
                ? $"The value at {where} has the wrong JSON type: expected {expected}."
                : $"The value at {where} has the wrong JSON type.";
        }
        else
        {
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            var reason = (cut >= 0 ? message[..cut] : message).TrimEnd('.');
            detail = $"Malformed JSON at {where} (line {(json.LineNumber ?? 0) + 1}, byte {json.BytePositionInLine ?? 0}): {reason}.";
        }
        var field = where == "$" ? "body" : where.StartsWith("$.", StringComparison.Ordinal) ? where[2..] : where;
        return new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = Problems.MalformedRequestType,
            Title = "The request body is not valid JSON for this endpoint.",
            Detail = detail,
            Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } },
        };
    }

    /// System.Text.Json names the target type only for some members (for constructor parameters it names the
    /// containing record), so a record's name says nothing about what was expected.
    static string? Expected(string clrType) => clrType switch
    {
        _ when clrType.StartsWith("Sentinel.", StringComparison.Ordinal) => null,
        _ when clrType.Contains("Int32") || clrType.Contains("Int64") || clrType.Contains("Double") => "a number",
        _ when clrType.Contains("Boolean") => "true or false",
        _ when clrType.Contains("Guid") => "a UUID string",
        _ when clrType.Contains("DateTime") => "an ISO-8601 timestamp string",
        _ when clrType.Contains("Dictionary") || clrType.Contains("JsonObject") => "an object",
        _ when clrType.Contains("List") || clrType.Contains("[]") => "an array",
        _ when clrType.Contains("String") => "a string",
        _ => null,
    };

    static string Describe(BadHttpRequestException bad)
    {
        var message = bad.Message;
        if (message.Contains("no body was provided", StringComparison.Ordinal))
            return "A JSON request body is required.";
        if (BindPattern().Match(message) is { Success: true } bind)
            return $"Parameter '{bind.Groups["name"].Value}' has an invalid value '{bind.Groups["value"].Value}'.";
        return message;
    }

    [GeneratedRegex("The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnmappedPattern();

    [GeneratedRegex("could not be converted to (?<type>\\S+)")]
    private static partial Regex ConvertPattern();

    [GeneratedRegex("Failed to bind parameter \"\\S+ (?<name>\\w+)\" from \"(?<value>.*)\"")]
    private static partial Regex BindPattern();
}
