using System.Text.Json;

namespace Dataflow.Ui.Tests;

internal static class Support
{
    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static Task<string> GetTextAsync(this HttpClient http, string path) =>
        http.GetStringAsync(path, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> GetResponseAsync(this HttpClient http, string path) =>
        http.GetAsync(path, TestContext.Current.CancellationToken);

    public static IEnumerable<JsonElement> Items(this JsonElement array) => array.EnumerateArray();

    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();

    public static long Long(this JsonElement e, string name) => e.GetProperty(name).GetInt64();

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
