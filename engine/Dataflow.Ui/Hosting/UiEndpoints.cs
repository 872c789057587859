using System.Text.Json;
using Dataflow.Ui.Api;
using Dataflow.Ui.Model;
using Dataflow.Ui.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dataflow.Ui.Hosting;

/// <summary>
/// The routes of the UI: the JSON API under <c>/api/v1</c> (Spark's paths) and the HTML pages, at the root for a
/// driver (one application) or under <c>/history/&lt;app-id&gt;</c> for the history server.
/// </summary>
internal static class UiEndpoints
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Map(IEndpointRouteBuilder routes, IAppSource source, bool history)
    {
        MapApi(routes, source);
        if (history)
        {
            routes.MapGet("/", () => Html(HtmlPages.ApplicationList(source.Applications().Select(a => a.Read(Summary)).ToList())));
            routes.MapGet("/history/{appId}", (string appId) => Results.Redirect($"/history/{Uri.EscapeDataString(appId)}/jobs/"));
            MapPages(routes.MapGroup("/history/{appId}"), context =>
                source.Find((string)context.Request.RouteValues["appId"]!), source);
        }
        else
        {
            routes.MapGet("/", () => Results.Redirect("/jobs/"));
            MapPages(routes, _ => source.Applications() is [var only, ..] ? only : null, source);
        }
    }

    private static void MapApi(IEndpointRouteBuilder routes, IAppSource source)
    {
        var api = routes.MapGroup("/api/v1");
        api.MapGet("/applications", () => Json(source.Applications().Select(a => a.Read(ApiViews.Application)).ToList()));
        var app = api.MapGroup("/applications/{appId}");
        app.MapGet("/", (string appId) => WithApp(source, appId, ApiViews.Application));
        app.MapGet("/jobs", (string appId, string? status) => WithApp(source, appId, a => a.Jobs.Values.Reverse()
            .Where(j => status is null || j.Status.Equals(status, StringComparison.OrdinalIgnoreCase))
            .Select(j => ApiViews.Job(a, j)).ToList()));
        app.MapGet("/jobs/{jobId:int}", (string appId, int jobId) => WithApp(source, appId, a =>
            a.Jobs.TryGetValue(jobId, out var job) ? ApiViews.Job(a, job) : null, $"unknown job {jobId}"));
        app.MapGet("/stages", (string appId, string? status) => WithApp(source, appId, a => a.Stages.Values.Reverse()
            .SelectMany(attempts => attempts.Values.Reverse())
            .Where(s => status is null || s.Status.Equals(status, StringComparison.OrdinalIgnoreCase))
            .Select(ApiViews.Stage).ToList()));
        app.MapGet("/stages/{stageId:int}", (string appId, int stageId) => WithApp(source, appId, a =>
            a.Stages.TryGetValue(stageId, out var attempts) ? attempts.Values.Select(ApiViews.Stage).ToList() : null,
            $"unknown stage {stageId}"));
        app.MapGet("/stages/{stageId:int}/tasks", (string appId, int stageId) => WithApp(source, appId, a =>
            a.LatestAttempt(stageId) is { } stage ? stage.Tasks.Values.Select(t => ApiViews.Task(a, t)).ToList() : null,
            $"unknown stage {stageId}"));
        app.MapGet("/stages/{stageId:int}/{attempt:int}", (string appId, int stageId, int attempt) => WithApp(source, appId, a =>
            Attempt(a, stageId, attempt) is { } stage ? ApiViews.Stage(stage) : null, $"unknown stage {stageId} attempt {attempt}"));
        app.MapGet("/stages/{stageId:int}/{attempt:int}/taskList", (string appId, int stageId, int attempt) => WithApp(source, appId, a =>
            Attempt(a, stageId, attempt) is { } stage ? stage.Tasks.Values.Select(t => ApiViews.Task(a, t)).ToList() : null,
            $"unknown stage {stageId} attempt {attempt}"));
        app.MapGet("/stages/{stageId:int}/{attempt:int}/taskSummary", (string appId, int stageId, int attempt, string? quantiles) =>
            WithApp(source, appId, a => Attempt(a, stageId, attempt) is { } stage ? ApiViews.TaskSummary(stage, ParseQuantiles(quantiles)) : null,
                $"unknown stage {stageId} attempt {attempt}"));
        app.MapGet("/executors", (string appId) => WithApp(source, appId, a =>
            a.Executors.Values.Where(e => e.IsActive).Select(e => ApiViews.Executor(a, e)).ToList()));
        app.MapGet("/allexecutors", (string appId) => WithApp(source, appId, a =>
            a.Executors.Values.Select(e => ApiViews.Executor(a, e)).ToList()));
        app.MapGet("/storage/rdd", (string appId) => WithApp(source, appId, a =>
            a.CachedRdds.Values.Where(r => r.CachedPartitions.Count > 0).Select(ApiViews.Rdd).ToList()));
        app.MapGet("/storage/rdd/{rddId:int}", (string appId, int rddId) => WithApp(source, appId, a =>
            a.CachedRdds.TryGetValue(rddId, out var rdd) ? ApiViews.Rdd(rdd) : null, $"unknown cached RDD {rddId}"));
    }

    private static void MapPages(IEndpointRouteBuilder routes, Func<HttpContext, AppModel?> find, IAppSource source)
    {
        void Page(string path, Func<AppModel, string, HttpRequest, string?> render) =>
            routes.MapGet(path, (HttpContext context) =>
            {
                if (find(context) is not { } app)
                {
                    return Results.NotFound("No such application.");
                }

                var html = app.Read(a => render(a, source.PagePrefix(a), context.Request));
                return html is null ? Results.NotFound("No such job, stage or attempt.") : Html(html);
            });

        Page("/jobs/", (app, prefix, _) => HtmlPages.Jobs(app, prefix));
        Page("/jobs/job/", (app, prefix, request) => Int(request, "id") is { } id ? HtmlPages.Job(app, prefix, id) : null);
        Page("/stages/", (app, prefix, _) => HtmlPages.Stages(app, prefix));
        Page("/stages/stage/", (app, prefix, request) => Int(request, "id") is { } id
            ? HtmlPages.Stage(app, prefix, id, Int(request, "attempt"))
            : null);
        Page("/executors/", (app, prefix, _) => HtmlPages.Executors(app, prefix));
        Page("/storage/", (app, prefix, _) => HtmlPages.Storage(app, prefix));
    }

    private static IResult WithApp(IAppSource source, string appId, Func<AppModel, object?> view, string? missing = null)
    {
        if (source.Find(appId) is not { } app)
        {
            return Results.Json(new { Message = $"unknown application {appId}" }, s_json, statusCode: 404);
        }

        var value = app.Read(view);
        return value is null ? Results.Json(new { Message = missing }, s_json, statusCode: 404) : Json(value);
    }

    private static StageModel? Attempt(AppModel app, int stageId, int attempt) =>
        app.Stages.TryGetValue(stageId, out var attempts) && attempts.TryGetValue(attempt, out var stage) ? stage : null;

    private static double[] ParseQuantiles(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Quantiles.Default;
        }

        var values = text.Split(',').Select(q => double.TryParse(q, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1 ? v : double.NaN).ToArray();
        return values.Any(double.IsNaN) ? Quantiles.Default : values;
    }

    private static int? Int(HttpRequest request, string name) =>
        int.TryParse(request.Query[name], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static ApplicationSummary Summary(AppModel app) =>
        new(app.Id, app.Name, app.StartTime, app.EndTime, app.LastUpdated, app.User, app.Completed);

    private static IResult Json(object value) => Results.Json(value, s_json);

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");
}
