using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DaClip.MLNet.Tests.IO;

/// <summary>A request as the loopback server saw it.</summary>
public sealed record ServedRequest(string Method, string Path, string? Range);

/// <summary>What the loopback server answers: status, body, optional Content-Range, and optionally a connection closed after <see cref="CloseAfter"/> body bytes.</summary>
public sealed record ServedResponse(int Status, byte[] Body, string? ContentRange = null, int? CloseAfter = null)
{
    /// <summary>Serves <paramref name="content"/>, honouring a <c>bytes=N-</c> range unless <paramref name="ignoreRange"/>; closes after <paramref name="closeAfter"/> body bytes when given.</summary>
    public static ServedResponse File(byte[] content, string? range, int? closeAfter = null, bool ignoreRange = false)
    {
        if (range is null || ignoreRange) return new ServedResponse(200, content, null, closeAfter);
        var from = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
        if (from >= content.Length) return new ServedResponse(416, [], $"bytes */{content.Length}");
        return new ServedResponse(206, content[(int)from..], $"bytes {from}-{content.Length - 1}/{content.Length}", closeAfter);
    }
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port, one request per connection, for downloader tests: it records every request
/// and can close a connection part-way through the body (a clean close, so the client sees a short body).
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ServedRequest, ServedResponse> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <summary>Starts the server; <paramref name="handler"/> answers each request.</summary>
    public LoopbackHttpServer(Func<ServedRequest, ServedResponse> handler)
    {
        _handler = handler;
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>The server's root URL.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<ServedRequest> Requests { get; } = new();

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            if (head is null) return;
            var lines = head.Split("\r\n");
            var parts = lines[0].Split(' ');
            string? range = lines.Skip(1)
                .Select(l => l.Split(':', 2))
                .Where(kv => kv.Length == 2 && kv[0].Trim().Equals("Range", StringComparison.OrdinalIgnoreCase))
                .Select(kv => kv[1].Trim())
                .FirstOrDefault();
            var request = new ServedRequest(parts[0], parts[1], range);
            Requests.Enqueue(request);
            var response = _handler(request);

            var header = new StringBuilder();
            header.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {(HttpStatusCode)response.Status}\r\n");
            header.Append(CultureInfo.InvariantCulture, $"Content-Length: {response.Body.Length}\r\n");
            if (response.ContentRange is not null) header.Append(CultureInfo.InvariantCulture, $"Content-Range: {response.ContentRange}\r\n");
            header.Append("Accept-Ranges: bytes\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()));
                int count = Math.Min(response.CloseAfter ?? response.Body.Length, response.Body.Length);
                await stream.WriteAsync(response.Body.AsMemory(0, count));
                await stream.FlushAsync();
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (IOException)
            {
                // The client went away first (e.g. it stopped reading); nothing to answer.
            }
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[16 * 1024];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(length));
            if (read == 0) return null;
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0) return text[..end];
        }
        return null;
    }
}
