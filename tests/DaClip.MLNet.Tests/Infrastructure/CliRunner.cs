using DaClip.Cli;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>Runs the daclip command tree in-process and captures its output.</summary>
public static class CliRunner
{
    private static readonly object ConsoleLock = new();

    /// <summary>Exit code, standard output and standard error of <c>daclip args...</c>.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        lock (ConsoleLock)
        {
            var oldOut = Console.Out;
            var oldErr = Console.Error;
            var o = new StringWriter();
            var e = new StringWriter();
            Console.SetOut(o);
            Console.SetError(e);
            try
            {
                int exit = Program.Run(args);
                return (exit, o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}
