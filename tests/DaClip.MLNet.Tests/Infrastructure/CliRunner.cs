using System.Text;
using DaClip.Cli;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>Runs the daclip command tree in-process and captures its output.</summary>
public static class CliRunner
{
    private static readonly object ConsoleLock = new();

    /// <summary>
    /// Exit code, standard output and standard error of <c>daclip args...</c>. Only what the command's own execution
    /// flow writes is captured: tests of other classes run in parallel and may write to the console at the same
    /// time, and their lines go to the previous writer instead of into this command's output.
    /// </summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        lock (ConsoleLock)
        {
            var oldOut = Console.Out;
            var oldErr = Console.Error;
            var o = new StringWriter();
            var e = new StringWriter();
            var outRouter = new FlowWriter(o, oldOut);
            var errRouter = new FlowWriter(e, oldErr);
            Console.SetOut(outRouter);
            Console.SetError(errRouter);
            try
            {
                FlowWriter.Capturing.Value = true;
                int exit = Program.Run(args);
                return (exit, o.ToString(), e.ToString());
            }
            finally
            {
                FlowWriter.Capturing.Value = false;
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }

    /// <summary>
    /// Sends a write to the capture when it comes from the command's execution flow (the flag flows into tasks and
    /// thread-pool work the command starts), and to the previous console writer otherwise.
    /// </summary>
    private sealed class FlowWriter(TextWriter capture, TextWriter other) : TextWriter
    {
        public static readonly AsyncLocal<bool> Capturing = new();

        private TextWriter Target => Capturing.Value ? capture : other;

        public override Encoding Encoding => capture.Encoding;

        public override void Write(char value)
        {
            var target = Target;
            lock (target) target.Write(value);
        }

        public override void Write(string? value)
        {
            var target = Target;
            lock (target) target.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            var target = Target;
            lock (target) target.Write(buffer, index, count);
        }

        public override void WriteLine(string? value)
        {
            var target = Target;
            lock (target) target.WriteLine(value);
        }

        public override void Flush()
        {
            lock (capture) capture.Flush();
            other.Flush();
        }
    }
}
