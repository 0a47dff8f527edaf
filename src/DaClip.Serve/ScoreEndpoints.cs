using System.Diagnostics;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Reporting;
using DaClip.Serve.Api;
using Microsoft.AspNetCore.Http;

namespace DaClip.Serve;

/// <summary>
/// <c>POST /v1/score</c> and <c>POST /v1/score/batch</c>: read the images, decode and preprocess them on the request's
/// thread (a bad image is a 400 before anything is queued), queue them all or none, and answer when their batches ran.
/// </summary>
internal sealed class ScoreEndpoints(ServedModel model, ScoringQueue queue)
{
    private sealed record Prepared(UploadedImage Upload, RgbImage Image, float[] Pixels);

    /// <summary>One image: multipart with one file, or a raw body.</summary>
    public async Task<IResult> ScoreOneAsync(HttpContext context, string? map, float? threshold)
    {
        var results = await ScoreAsync(context, single: true, map, threshold).ConfigureAwait(false);
        return Results.Ok(results[0]);
    }

    /// <summary>Several images: multipart, one file field per image.</summary>
    public async Task<IResult> ScoreManyAsync(HttpContext context, string? map, float? threshold)
    {
        var results = await ScoreAsync(context, single: false, map, threshold).ConfigureAwait(false);
        return Results.Ok(new BatchScoreResponse(model.Id, results));
    }

    private async Task<IReadOnlyList<ScoreResponse>> ScoreAsync(HttpContext context, bool single, string? map, float? threshold)
    {
        long start = Stopwatch.GetTimestamp();
        if (map is not (null or "png" or "raw"))
            throw new BadHttpRequestException($"map '{map}' is not a map kind: use map=png (heatmap overlay PNG) or map=raw (the float map), or leave it out.", StatusCodes.Status400BadRequest);
        if (threshold is float t && !float.IsFinite(t))
            throw new BadHttpRequestException($"threshold '{t}' is not a finite number: give a decimal such as 0.5, or leave it out for the model's.", StatusCodes.Status400BadRequest);
        var uploads = await ImageUploads.ReadAsync(context.Request, single, queue.Capacity, context.RequestAborted).ConfigureAwait(false);
        var prepared = uploads.Select(Prepare).ToList();
        var decode = Stopwatch.GetElapsedTime(start);

        var scored = await Task.WhenAll(queue.Submit(prepared.Select(p => p.Pixels).ToList())).ConfigureAwait(false);
        float cut = threshold ?? model.Threshold;
        var results = new ScoreResponse[prepared.Count];
        for (int i = 0; i < results.Length; i++)
        {
            var (upload, image, _) = prepared[i];
            var s = scored[i];
            var p = s.Prediction;
            bool anomalous = threshold is null ? p.PredictedLabel : p.Score > cut;
            string? overlay = map == "png"
                ? Convert.ToBase64String(HeatmapOverlay.RenderPng(image, p.AnomalyMap, options: new HeatmapOverlayOptions { Fit = model.Fit, Threshold = cut }))
                : null;
            var raw = map == "raw" ? new AnomalyMapValues(p.ImageSize, p.AnomalyMap) : null;
            var timing = new ScoreTiming(decode.TotalMilliseconds, s.QueueWait.TotalMilliseconds, s.Inference.TotalMilliseconds, s.BatchSize,
                Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            results[i] = new ScoreResponse(model.Id, upload.Name, p.Score, anomalous ? "anomalous" : "normal", anomalous, cut, timing, overlay, raw);
        }
        return results;
    }

    private Prepared Prepare(UploadedImage upload)
    {
        var image = ImageDecoder.Decode(upload.Bytes, upload.Source);
        return new Prepared(upload, image, model.Scorer.Preprocessor.Process(image));
    }
}
