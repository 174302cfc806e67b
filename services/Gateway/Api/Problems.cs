using Microsoft.AspNetCore.Http.HttpResults;

namespace Sentinel.Gateway.Api;

/// Stable problem types (RFC 9457) so clients can branch on `type` rather than on prose.
public static class Problems
{
    const string Base = "https://sentinel.dev/problems/";
    public const string ValidationType = Base + "validation";
    public const string MalformedRequestType = Base + "malformed-request";
    public const string UnauthorizedType = Base + "unauthorized";
    public const string ForbiddenType = Base + "forbidden";
    public const string NotFoundType = Base + "not-found";
    public const string ConflictType = Base + "conflict";
    public const string DependencyUnavailableType = Base + "dependency-unavailable";
    public const string RateLimitedType = Base + "rate-limited";

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, "One or more fields are invalid; see errors.", type: ValidationType,
            title: "The request is invalid.");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string what, Guid id) =>
        TypedResults.Problem($"No {what} with id {id} exists.", statusCode: StatusCodes.Status404NotFound,
            title: "Not found.", type: NotFoundType);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict.", type: ConflictType);
}
