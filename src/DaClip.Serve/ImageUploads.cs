using Microsoft.AspNetCore.Http;

namespace DaClip.Serve;

/// <summary>
/// Reads the images of a scoring request: every file of a <c>multipart/form-data</c> body, or a raw body that is one
/// encoded image (any other content type). Kestrel's body size limit applies to both (413).
/// </summary>
internal static class ImageUploads
{
    /// <summary>The request's images, at least one; at most <paramref name="maxImages"/>.</summary>
    /// <exception cref="BadHttpRequestException">No image, too many, or a raw body where several are expected (400); a body over the limit (413).</exception>
    public static async Task<IReadOnlyList<UploadedImage>> ReadAsync(HttpRequest request, bool single, int maxImages, CancellationToken cancellation)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellation).ConfigureAwait(false);
            if (form.Files.Count == 0)
                throw new BadHttpRequestException("the multipart body holds no file: send the image as a file field, e.g. curl -F image=@part.png.", StatusCodes.Status400BadRequest);
            if (single && form.Files.Count > 1)
                throw new BadHttpRequestException($"the multipart body holds {form.Files.Count} files; /v1/score takes one. Send several to /v1/score/batch.", StatusCodes.Status400BadRequest);
            if (form.Files.Count > maxImages)
                throw new BadHttpRequestException($"the request holds {form.Files.Count} images; at most {maxImages} (the queue capacity) fit in one request. Split it.", StatusCodes.Status400BadRequest);
            var images = new List<UploadedImage>(form.Files.Count);
            foreach (var file in form.Files)
            {
                using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
                await using (var stream = file.OpenReadStream()) await stream.CopyToAsync(buffer, cancellation).ConfigureAwait(false);
                images.Add(new UploadedImage(string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName, buffer.ToArray()));
            }
            return images;
        }
        if (!single)
            throw new BadHttpRequestException("/v1/score/batch takes multipart/form-data with one file field per image, e.g. curl -F a=@a.png -F b=@b.png.", StatusCodes.Status400BadRequest);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellation).ConfigureAwait(false);
        return [new UploadedImage(null, body.ToArray())];
    }
}
