using Microsoft.ML.Runtime;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// Sends DA-CLIP's messages through an ML.NET channel, so they reach <c>MLContext.Log</c> with the source "DaClip";
/// without an environment they go to <see cref="System.Diagnostics.Trace"/>.
/// </summary>
internal sealed class DaClipLog(IChannelProvider? environment)
{
    public const string ChannelName = "DaClip";

    public void Info(string message) => Send(message, warning: false);

    public void Warning(string message) => Send(message, warning: true);

    /// <summary>The log as a delegate (for components that take <c>Action&lt;string&gt;</c>).</summary>
    public Action<string> AsAction() => Info;

    private void Send(string message, bool warning)
    {
        if (environment is null)
        {
            System.Diagnostics.Trace.WriteLine(message, "DaClip.MLNet");
            return;
        }
        using var channel = environment.Start(ChannelName);
        if (warning) channel.Warning(MessageSensitivity.None, message);
        else channel.Info(MessageSensitivity.None, message);
    }
}
