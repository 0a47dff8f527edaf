using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DaClip.MLNet.Data;
using DaClip.MLNet.Scoring;
using DaClip.Serve;
using Microsoft.ML;

namespace DaClip.MLNet.Tests.Serve;

/// <summary>Requests to a test server over real HTTP, and the library's numbers to compare them with.</summary>
internal static class ServeTestClient
{
    /// <summary>Server options for tests: a free loopback port, CPU.</summary>
    public static DaClipServerOptions Options(string model) => new() { ModelPath = model, Urls = ["http://127.0.0.1:0"], Provider = ExecutionProvider.Cpu };

    /// <summary>What <see cref="DaClipTransformer.ScoreBatch"/> gives for the image files.</summary>
    public static IReadOnlyList<DaClipPrediction> ScoreBatch(string model, IReadOnlyList<string> images, int batchSize)
    {
        var ml = new MLContext();
        using var transformer = DaClipTransformer.Load(ml, model);
        return transformer.ScoreBatch(images.Select(p => new AnomalySample(p, "test", false, null, "", DatasetSplit.Test)).ToDataView(ml), batchSize);
    }

    /// <summary>POSTs the file as the raw body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostRawAsync(HttpClient http, string path, byte[] bytes, string contentType = "image/png")
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await ReadAsync(await http.PostAsync(path, content));
    }

    /// <summary>POSTs files as multipart/form-data, one file field per file.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostFilesAsync(HttpClient http, string path, params (string Name, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "image", name);
        }
        return await ReadAsync(await http.PostAsync(path, form));
    }

    /// <summary>The status and JSON body of a response (the response stays open for its headers).</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }
}
